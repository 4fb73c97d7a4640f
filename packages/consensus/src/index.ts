export * from './vote';
export * from './posterior';
export * from './retirement';
export * from './aggregate';
