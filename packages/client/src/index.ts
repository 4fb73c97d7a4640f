export * from './types';
export * from './client';
export * from './views';
export * from './server-clock';
export * from './page-policy';
export * from './hashtags';
export * from './mentions';
export * from './languages';
