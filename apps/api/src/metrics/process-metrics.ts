import { type PerformanceEntry, PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge, Histogram, type Registry } from 'prom-client';

/**
 * prom-client's default metrics but its two that start monitors (`eventLoopLag`, `gc`): it never stops those, and each
 * app that started them stayed in memory once closed (in tests, with every module of its suite). `processMetrics`
 * starts them itself, under the same names, and stops them.
 */
const DEFAULTS_WITHOUT_MONITORS = [
  'processCpuTotal',
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'processResources',
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
];

type DefaultMetric = (registry: Registry, config: { prefix: string }) => void;

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** The process's metrics (CPU, memory, handles, event loop, garbage collection) in `registry`; the result stops what watches them for it. */
export function processMetrics(registry: Registry, prefix: string): () => void {
  for (const name of DEFAULTS_WITHOUT_MONITORS) (require(`prom-client/lib/metrics/${name}`) as DefaultMetric)(registry, { prefix });
  eventLoopMetrics(registry, prefix);
  return gcMetrics(registry, prefix);
}

/**
 * The event loop's delays, watched once per process (they are the process's): Node keeps a watch for good even once
 * disabled, with whatever it held when it was made, so one made for each app would keep each app.
 */
const delays = monitorEventLoopDelay({ resolution: 10 });
delays.enable();

/** prom-client's `eventLoopLag`: the lag of one turn at the scrape, and the delays seen since the last one. */
function eventLoopMetrics(registry: Registry, prefix: string): void {
  const gauge = (name: string, help: string) => new Gauge({ name: `${prefix}nodejs_eventloop_lag_${name}seconds`, help, registers: [registry] });
  const seen: [Gauge, () => number][] = [
    [gauge('min_', 'The minimum recorded event loop delay.'), () => delays.min],
    [gauge('max_', 'The maximum recorded event loop delay.'), () => delays.max],
    [gauge('mean_', 'The mean of the recorded event loop delays.'), () => delays.mean],
    [gauge('stddev_', 'The standard deviation of the recorded event loop delays.'), () => delays.stddev],
    [gauge('p50_', 'The 50th percentile of the recorded event loop delays.'), () => delays.percentile(50)],
    [gauge('p90_', 'The 90th percentile of the recorded event loop delays.'), () => delays.percentile(90)],
    [gauge('p99_', 'The 99th percentile of the recorded event loop delays.'), () => delays.percentile(99)],
  ];
  new Gauge({
    name: `${prefix}nodejs_eventloop_lag_seconds`,
    help: 'Lag of event loop in seconds.',
    registers: [registry],
    async collect() {
      const start = process.hrtime.bigint();
      for (const [metric, nanoseconds] of seen) metric.set(nanoseconds() / 1e9);
      delays.reset();
      await new Promise(setImmediate);
      this.set(Number(process.hrtime.bigint() - start) / 1e9);
    },
  });
}

/** prom-client's `gc`: how long garbage collections took, by kind. */
function gcMetrics(registry: Registry, prefix: string): () => void {
  const durations = new Histogram({
    name: `${prefix}nodejs_gc_duration_seconds`,
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind'],
    buckets: [0.001, 0.01, 0.1, 1, 2, 5],
    registers: [registry],
  });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) durations.observe({ kind: GC_KINDS[(entry as PerformanceEntry & { detail: { kind: number } }).detail.kind] }, entry.duration / 1000);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
