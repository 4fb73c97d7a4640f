export * from './entities';
export * from './data-source';
export { SnakeNamingStrategy } from './naming';
export { addToSubjectSet } from './subject-sets';
export { WorkflowDefinitionCache } from './workflow-definitions';
export { preparedQuery } from './prepared';
