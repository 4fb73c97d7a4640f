/** Where the API's routes are, below the server's root (`/metrics` and the classifier's pages are not). */
export const API_PREFIX = 'api/v1';
