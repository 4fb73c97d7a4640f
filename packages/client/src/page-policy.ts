/**
 * The one inline script of the classifier's page (`apps/classifier/index.html`: its "Loading…" in the language the
 * interface opens in, and its colours and text size, before the app's own script has loaded), by its hash: edited, it runs only once this is its new
 * hash (`openssl dgst -sha256 -binary | base64` of the text between its tags; `project-language.browser.test.ts` fails until then).
 */
const LOADING_WORDS_SCRIPT = "'sha256-7fd7wbvX4farK5NhToREHAYK7DTCGr+hUGWN/Bt4FqI='";

/**
 * The Content-Security-Policy of the classifier's pages (the lab's too), wherever they are served: by the API in
 * production, and by `vite preview`. Scripts run only from Chorus's own files and the page's own inline script, by its
 * hash (a script injected into a page, inline or from elsewhere, is refused); no plugins; no `<base>` or form sending
 * elsewhere; no framing by other sites. Subject media and project images may come from anywhere (projects link to their
 * own images), so images, media and styles are not restricted here.
 */
export const PAGE_CONTENT_SECURITY_POLICY = `script-src 'self' ${LOADING_WORDS_SCRIPT}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'`;
