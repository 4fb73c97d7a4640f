import { Component, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { reloadPage } from '../lib/reloadPage';

interface Props {
  /** Shown while the part's code loads. */
  fallback: ReactNode;
  children: ReactNode;
}

/**
 * A part of the page whose code is a chunk of its own, loaded on first use: while it loads, `fallback`; if it cannot
 * be loaded (the line dropped, or Chorus was updated since the page opened and the chunk it names is gone), a message
 * with a way to reload, instead of the whole page going blank.
 */
export function LoadedPart({ fallback, children }: Props) {
  return (
    <ChunkFailure>
      <Suspense fallback={fallback}>{children}</Suspense>
    </ChunkFailure>
  );
}

class ChunkFailure extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    return this.state.failed ? <NotLoaded /> : this.props.children;
  }
}

function NotLoaded() {
  const { t } = useTranslation();
  return (
    <div role="alert" className="alert">
      <p className="alert-detail">{t('app.partNotLoaded')}</p>
      <button type="button" className="button button-secondary" onClick={reloadPage}>
        {t('app.reload')}
      </button>
    </div>
  );
}
