// The API as the benchmarks run it, with a token for each seeded volunteer. For the queue benchmark (`probeQueue`)
// it adds two same-server baselines that answer a real queue response's body, constant:
// - GET /api/v1/bench/constant, a Nest route like the queue's: the same guard (the token is verified), filters and
//   serialisation, no database. What the queue costs beyond it is the queue's own work.
// - GET /bench/raw, a bare Fastify route: what the HTTP server alone can do, with no Nest in the way.
// Prints one JSON line: { port, tokens, bodyBytes }.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../apps/api/dist/main.js', import.meta.url));
const { createApp } = require('./bootstrap.js');
const { loadConfig } = require('./config/config.js');
const { JwtService } = require('@nestjs/jwt');
const { Controller, Get, Module } = require('@nestjs/common');

const { workflowId, userIds, probeQueue } = JSON.parse(readFileSync(process.env.BENCH_INPUT, 'utf8'));
let constant = '{}';
let constantBody = {};

/** The Nest baseline: decorators applied by hand, as this file is plain JavaScript. */
class BenchBaselineController {
  constant() {
    return constantBody;
  }
}
Controller('bench')(BenchBaselineController);
Get('constant')(BenchBaselineController.prototype, 'constant', Object.getOwnPropertyDescriptor(BenchBaselineController.prototype, 'constant'));
class BenchBaselineModule {}
Module({ controllers: [BenchBaselineController] })(BenchBaselineModule);
const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', DEMO_PROJECT: 'false', PORT: '0', HOST: '127.0.0.1', DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '20' });
const app = await createApp(config, {
  configure: (fastify) => fastify.get('/bench/raw', (_request, reply) => reply.type('application/json; charset=utf-8').send(constant)),
  modules: probeQueue ? [BenchBaselineModule] : [],
});
await app.listen({ port: 0, host: '127.0.0.1' });
const jwt = app.get(JwtService, { strict: false });
const tokens = userIds.map((id) => jwt.sign({ sub: id, kind: 'guest' }));

// One real answer, made by a volunteer outside the measured pool, fixes the baseline body and its size.
if (probeQueue) {
  const probe = await app.getHttpAdapter().getInstance().inject({
    method: 'GET',
    url: `/api/v1/workflows/${workflowId}/queue?limit=10`,
    headers: { authorization: `Bearer ${tokens.pop()}` },
  });
  if (probe.statusCode !== 200) throw new Error(`probe answered ${probe.statusCode}: ${probe.body}`);
  constant = probe.body;
  constantBody = JSON.parse(constant);
}
console.log(JSON.stringify({ port: app.getHttpServer().address().port, tokens, bodyBytes: Buffer.byteLength(constant) }));
process.on('SIGTERM', async () => {
  await app.close();
  process.exit(0);
});
