import type { TFunction } from 'i18next';
import { useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type KeysNamed, useKeysNamed } from '../../lib/touchOnly';
import { useRetryWhenOnline } from '../../lib/useOnline';
import { MediaFailed } from '../MediaFailed';
import { isPlayPauseKey } from './audioKeys';

/** `ready` from the start: some browsers (iOS Safari) load nothing, not even the length, before the first play. */
type Status = 'ready' | 'playing' | 'failed';

/** What the player's caption says while it is not failed: what it does, and how to play or pause it on this device. */
function caption(t: TFunction, playing: boolean, keys: KeysNamed): string {
  if (keys === 'touch') return playing ? t('audio.playingTouch') : t('audio.pausedTouch');
  if (keys === 'singleKeys') return playing ? t('audio.playing') : t('audio.paused');
  return playing ? t('audio.playingAltKey') : t('audio.pausedAltKey');
}

/**
 * A subject's sound recording: the browser's own player (keyboard-operable: Space plays, arrows seek), P from
 * anywhere on the page to play or pause, and a caption that says what it is doing, read out as it changes (on a
 * touch-only device, what to tap rather than keys).
 */
export function AudioPlayer({ url, label }: { url: string; label: string }) {
  const { t } = useTranslation();
  const audio = useRef<HTMLAudioElement>(null);
  const [status, setStatus] = useState<Status>('ready');
  const keys = useKeysNamed();
  useRetryWhenOnline(status === 'failed', () => {
    setStatus('ready');
    audio.current?.load();
  });

  useLayoutEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const player = audio.current;
      if (!player || !isPlayPauseKey(event)) return;
      event.preventDefault();
      // A play interrupted by a pause before it began (P twice, quickly) is no failure.
      if (player.paused) void player.play().catch((error: Error) => error.name !== 'AbortError' && setStatus('failed'));
      else player.pause();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <figure className="audio-player" aria-label={label} data-testid="audio-player" data-status={status}>
      {/* biome-ignore lint/a11y/useMediaCaption: volunteers transcribe or classify the recording itself; it has no captions to give */}
      <audio
        ref={audio}
        src={url}
        controls
        preload="metadata"
        aria-label={label}
        onPlay={() => setStatus('playing')}
        onPause={() => setStatus('ready')}
        onEnded={() => setStatus('ready')}
        onError={() => setStatus('failed')}
      />
      {/* One polite live region throughout: a failure is said once, as it comes, not as an alert that interrupts. */}
      <figcaption className="muted" aria-live="polite">
        {status === 'failed' ? (
          <MediaFailed message={t('audio.failed')} link={t('audio.open')} report={t('report.recordingFailed')} url={url} />
        ) : (
          caption(t, status === 'playing', keys)
        )}
      </figcaption>
    </figure>
  );
}
