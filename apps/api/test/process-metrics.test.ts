/**
 * The process's metrics at /metrics, and an app that closes lets go of what watched them for it: prom-client's own
 * watches, never stopped, kept every closed app (in the tests, every suite, to the end of the run).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Stack, startStack } from '../../../test/support/stack';
import { MetricsService } from '../src/metrics/metrics.service';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** prom-client's default metrics, every one kept (a prom-client update that renamed or dropped one would show here). */
const PROCESS_METRICS = [
  'process_cpu_user_seconds_total',
  'process_cpu_system_seconds_total',
  'process_cpu_seconds_total',
  'process_start_time_seconds',
  'process_resident_memory_bytes',
  'process_virtual_memory_bytes',
  'process_heap_bytes',
  'process_open_fds',
  'process_max_fds',
  'nodejs_eventloop_lag_seconds',
  'nodejs_eventloop_lag_min_seconds',
  'nodejs_eventloop_lag_max_seconds',
  'nodejs_eventloop_lag_mean_seconds',
  'nodejs_eventloop_lag_stddev_seconds',
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p90_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_requests',
  'nodejs_active_requests_total',
  'nodejs_heap_size_total_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_heap_space_size_total_bytes',
  'nodejs_heap_space_size_used_bytes',
  'nodejs_heap_space_size_available_bytes',
  'nodejs_version_info',
  'nodejs_gc_duration_seconds',
];

it('shows the event loop delays and the garbage collections with the other process metrics', async () => {
  const stack = await startStack({ worker: false });
  try {
    gc();
    const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    const shown = [...text.matchAll(/^# TYPE chorus_api_(\w+) /gm)].map(([, name]) => name);
    expect(shown.sort()).toEqual([...PROCESS_METRICS].sort());
    expect(text).toMatch(/^chorus_api_nodejs_eventloop_lag_seconds [\d.e+-]+$/m);
    expect(text).toMatch(/^chorus_api_nodejs_eventloop_lag_p99_seconds [\d.e+-]+$/m);
    // prom-client counts the first collection of each batch its observer is given: the major one above may share one.
    expect(text).toMatch(/^chorus_api_nodejs_gc_duration_seconds_count\{kind="(major|minor|incremental|weakcb)"\} [1-9]\d*$/m);
  } finally {
    await stack.stop();
  }
});

it('lets go of a closed app', async () => {
  let stack: Stack | undefined = await startStack({ worker: false });
  const metrics = new WeakRef(stack.app.get(MetricsService));
  await stack.stop();
  stack = undefined;
  // Collected once nothing holds it: a watch started for it and never stopped would.
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  expect(metrics.deref()).toBeUndefined();
});
