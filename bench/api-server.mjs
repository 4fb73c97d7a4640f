// The API as the benchmarks run it, with a token for each seeded volunteer. For the queue benchmark (`probeQueue`)
// it adds the same-server baseline: GET /bench/constant answers a constant JSON body of the same size as a real
// queue response. Prints one JSON line: { port, tokens, bodyBytes }.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../apps/api/dist/main.js', import.meta.url));
const { createApp } = require('./bootstrap.js');
const { loadConfig } = require('./config/config.js');
const { JwtService } = require('@nestjs/jwt');

const { workflowId, userIds, probeQueue } = JSON.parse(readFileSync(process.env.BENCH_INPUT, 'utf8'));
let constant = '{}';
const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', DEMO_PROJECT: 'false', PORT: '0', HOST: '127.0.0.1', DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '20' });
const app = await createApp(config, {
  configure: (fastify) => fastify.get('/bench/constant', (_request, reply) => reply.type('application/json; charset=utf-8').send(constant)),
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
}
console.log(JSON.stringify({ port: app.getHttpServer().address().port, tokens, bodyBytes: Buffer.byteLength(constant) }));
process.on('SIGTERM', async () => {
  await app.close();
  process.exit(0);
});
