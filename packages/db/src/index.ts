export * from './entities';
export * from './data-source';
export { SnakeNamingStrategy } from './naming';
