export * from './types';
export * from './client';
export * from './views';
export * from './page-policy';
