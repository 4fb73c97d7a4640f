/** Said in place of an image or a recording that the browser could not load, with a link to try the file itself. */
export function MediaFailed({ message, link, url }: { message: string; link: string; url: string }) {
  return (
    <p className="viewer-message" role="alert">
      {message}{' '}
      <a href={url} target="_blank" rel="noreferrer">
        {link}
      </a>
    </p>
  );
}
