// Browser tests' cost: the CPU Chromium spends (all its processes) to launch and show a workflow's first subject, then
// to open each further page (a project's page, until its workflow's link shows), in Debian's headless shell (`chromium-headless-shell`, what the browser tests launch)
// against the full browser (`chromium`) as the baseline, measured in the same run, rounds taking turns.
// Usage: pnpm turbo run build --filter=@chorus/classifier... --filter=@chorus/api... --filter=@chorus/worker
//        node bench/browser-pages.mjs [--pages=8] [--rounds=3]
// Without DATABASE_URL / REDIS_URL it starts an embedded Postgres and a redis-server, as `pnpm start` does.
import { readdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, makeWorkflow, startSystem } from './classifier-system.mjs';

const option = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const PAGES = option('pages', 8);
const ROUNDS = option('rounds', 3);
const BROWSERS = [
  { name: 'chromium-headless-shell', path: '/usr/bin/chromium-headless-shell' },
  { name: 'chromium (baseline)', path: '/usr/bin/chromium' },
];
const TICK_MS = 1000 / 100; // USER_HZ

/** The CPU (ms) of `pid` and every process under it, read from /proc, with that of those ended (their parents reaped them). */
function treeCpuMs(pid) {
  const processes = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [{ pid: Number(name), parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) }];
    } catch {
      return []; // ended while read
    }
  });
  const inTree = new Set([pid]);
  for (let grown = true; grown; ) {
    grown = false;
    for (const each of processes) if (!inTree.has(each.pid) && inTree.has(each.parent)) grown = inTree.add(each.pid) !== undefined;
  }
  return processes.filter((each) => inTree.has(each.pid)).reduce((total, each) => total + each.ticks * TICK_MS, 0);
}

/** One browser: launched and showing a subject, then `PAGES` more pages opened; CPU to launch, and per further page. */
async function measure(browser, url, workflowId) {
  const server = await chromium.launchServer({ executablePath: browser.path, headless: true, args: CHROMIUM_ARGS });
  const pid = server.process().pid;
  try {
    const connected = await chromium.connect(server.wsEndpoint());
    const context = await connected.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript((id) => window.localStorage.setItem(`chorus.tutorialSeen.${id}`, 'bench'), workflowId);
    const warm = await context.newPage(); // the first page also fills the browser's caches
    await warm.goto(url);
    await warm.getByTestId('subject').waitFor();
    const launched = treeCpuMs(pid);
    // Further pages show the project's page, and close, as a test's pages do (a second tab of the workflow would be
    // told its subjects are held in the first).
    for (let page = 0; page < PAGES; page += 1) {
      const opened = await context.newPage();
      await opened.goto(url.slice(0, url.indexOf('/workflows/')));
      await opened.locator('a.workflow-link').first().waitFor();
      await opened.close();
    }
    return { launch: launched, perPage: (treeCpuMs(pid) - launched) / PAGES };
  } finally {
    await server.close();
  }
}

const system = await startSystem();
const results = new Map(BROWSERS.map((browser) => [browser.name, []]));
try {
  const { url, workflowId } = await makeWorkflow(system, BROWSERS.length * ROUNDS * 3);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const browser of round % 2 ? [...BROWSERS].reverse() : BROWSERS) results.get(browser.name).push(await measure(browser, url, workflowId));
  }
} finally {
  await system.stop();
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`\nChromium CPU (all its processes) per page opened until it shows, ${PAGES} pages × ${ROUNDS} rounds`);
console.log('| browser | launch + first page (median) | per further page (median) | per page, each round |\n|---|---:|---:|---|');
for (const [name, rounds] of results) {
  console.log(`| ${name} | ${median(rounds.map((r) => r.launch)).toFixed(0)} ms | ${median(rounds.map((r) => r.perPage)).toFixed(0)} ms | ${rounds.map((r) => r.perPage.toFixed(0)).join(', ')} |`);
}
const [shell, full] = [...results.values()].map((rounds) => median(rounds.map((r) => r.perPage)));
console.log(`\nheadless shell / full chromium, CPU per page: ${(shell / full).toFixed(2)}`);
