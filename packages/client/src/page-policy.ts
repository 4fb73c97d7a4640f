/**
 * The Content-Security-Policy of the classifier's pages (the lab's too), wherever they are served: by the API in
 * production, and by `vite preview`. Scripts run only from Chorus's own files (the built app has no inline script, and
 * one injected into a page, inline or from elsewhere, is refused); no plugins; no `<base>` or form sending elsewhere;
 * no framing by other sites. Subject media may come from anywhere (projects link to their own images), so images,
 * media and styles are not restricted here.
 */
export const PAGE_CONTENT_SECURITY_POLICY = "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";
