import { useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isPlayPauseKey } from './audioKeys';

type Status = 'loading' | 'ready' | 'playing' | 'failed';

/**
 * A subject's sound recording: the browser's own player (keyboard-operable: Space plays, arrows seek), P from
 * anywhere on the page to play or pause, and a caption that says what it is doing, read out as it changes.
 */
export function AudioPlayer({ url, label }: { url: string; label: string }) {
  const { t } = useTranslation();
  const audio = useRef<HTMLAudioElement>(null);
  const [status, setStatus] = useState<Status>('loading');

  useLayoutEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const player = audio.current;
      if (!player || !isPlayPauseKey(event)) return;
      event.preventDefault();
      if (player.paused) void player.play().catch(() => setStatus('failed'));
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
        onLoadedMetadata={() => setStatus('ready')}
        onPlay={() => setStatus('playing')}
        onPause={() => setStatus('ready')}
        onEnded={() => setStatus('ready')}
        onError={() => setStatus('failed')}
      />
      {status === 'failed' ? (
        <p className="viewer-message" role="alert">
          {t('audio.failed')}{' '}
          <a href={url} target="_blank" rel="noreferrer">
            {t('audio.open')}
          </a>
        </p>
      ) : (
        <figcaption className="muted" aria-live="polite">
          {status === 'playing' ? t('audio.playing') : status === 'ready' ? t('audio.paused') : t('audio.loading')}
        </figcaption>
      )}
    </figure>
  );
}
