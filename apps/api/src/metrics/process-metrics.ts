import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * prom-client's default metrics, collected once per process (they are the process's). Two start watches it never stops
 * (of the event loop's delays and of garbage collections): started for each app, they kept every closed app in memory
 * (in tests, with every module of its suite). Started here, at load, they hold this registry alone, never an app.
 */
const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: 'chorus_api_' });

/** A registry that shows the process's metrics (CPU, memory, handles, event loop, garbage collection), for an app to add its own to. */
export function withProcessMetrics(): Registry {
  return Registry.merge([processRegistry]);
}
