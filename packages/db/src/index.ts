export * from './entities';
export * from './data-source';
export { SnakeNamingStrategy } from './naming';
export { REJOIN_WORKFLOW, UNLINKED, addToSubjectSet } from './subject-sets';
export { WorkflowDefinitionCache } from './workflow-definitions';
export { preparedQuery } from './prepared';
