export * from './entities';
export * from './data-source';
export { SnakeNamingStrategy } from './naming';
export { OWE_AGGREGATION, UNLINK, UNLINKED, addToSubjectSet, isUnlinked, joinWorkflows, keptOnlyForHold, rejoinLinkedSets } from './subject-sets';
export { WorkflowDefinitionCache } from './workflow-definitions';
export { preparedQuery } from './prepared';
export {
  answerReaggregations,
  owedReaggregations,
  reaggregationsRequested,
  recordReaggregationFinished,
  recordReaggregationRequested,
  recordReaggregationStarted,
  requestReaggregation,
  restartedReaggregation,
  type ReaggregationRunRecorded,
} from './reaggregations';
