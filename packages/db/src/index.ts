export * from './entities';
export * from './data-source';
export { SnakeNamingStrategy } from './naming';
export { UNLINKED, addToSubjectSet, rejoinLinkedSets } from './subject-sets';
export { WorkflowDefinitionCache } from './workflow-definitions';
export { preparedQuery } from './prepared';
