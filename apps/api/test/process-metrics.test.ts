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

it('shows the event loop delays and the garbage collections with the other process metrics', async () => {
  const stack = await startStack({ worker: false });
  try {
    gc();
    const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    expect(text).toMatch(/^chorus_api_process_cpu_seconds_total /m);
    expect(text).toMatch(/^chorus_api_nodejs_eventloop_lag_seconds [\d.e+-]+$/m);
    expect(text).toMatch(/^chorus_api_nodejs_eventloop_lag_p99_seconds [\d.e+-]+$/m);
    expect(text).toMatch(/^chorus_api_nodejs_gc_duration_seconds_count\{kind="major"\} [1-9]\d*$/m);
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
