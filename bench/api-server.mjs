// The API as the benchmarks run it, with a token for each seeded volunteer. For the queue benchmark (`probeQueue`)
// it adds two same-server baselines that answer a real queue response's body, constant:
// - GET /api/v1/bench/constant, a Nest route like the queue's: the same guard (the token is verified), filters and
//   serialisation, no database. What the queue costs beyond it is the queue's own work.
// - GET /bench/raw, a bare Fastify route: what the HTTP server alone can do, with no Nest in the way.
// `researcherIds` are signed as registered accounts' tokens (`researcherTokens`), for a download. BENCH_API_DIST runs
// another build of apps/api (an earlier commit's dist, built in a worktree) in its place.
// Prints one JSON line: { port, tokens, researcherTokens, bodyBytes }.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const require = createRequire(process.env.BENCH_API_DIST ? resolve(process.env.BENCH_API_DIST, 'main.js') : new URL('../apps/api/dist/main.js', import.meta.url));
const { createApp } = require('./bootstrap.js');
const { loadConfig } = require('./config/config.js');
const { JwtService } = require('@nestjs/jwt');
const { Controller, Get, Module } = require('@nestjs/common');

const { workflowId, userIds, researcherIds = [], probeQueue, floors } = JSON.parse(readFileSync(process.env.BENCH_INPUT, 'utf8'));
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

/**
 * `floors`: the Nest baseline plus the least any arbiter of assignments must do per request, for what a design could
 * reach at best (the body stays constant):
 * - GET /api/v1/bench/postgres-round-trip: one `SELECT 1` through the API's pool, the floor of asking Postgres.
 * - GET /api/v1/bench/redis-pick: one Lua script that picks 10 random subjects of the workflow's pool (a set in
 *   Redis) the volunteer has not seen nor holds, under a cap, and records each as held (seen set, hold count, expiry
 *   index): the floor of a Redis arbiter, before it records anything durably or reads the subjects.
 */
const REDIS_PICK = `
local wanted, cap, now = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local picked = {}
for _, id in ipairs(redis.call('SRANDMEMBER', KEYS[1], wanted * 6)) do
  if #picked == wanted then break end
  if redis.call('SISMEMBER', KEYS[2], id) == 0 and tonumber(redis.call('HGET', KEYS[3], id) or '0') < cap then
    redis.call('SADD', KEYS[2], id)
    redis.call('HINCRBY', KEYS[3], id, 1)
    redis.call('ZADD', KEYS[4], now, id)
    picked[#picked + 1] = id
  end
end
return picked`;
const floor = { db: undefined, redis: undefined };
class BenchFloorsController {
  async postgres() {
    await floor.db.query('SELECT 1');
    return constantBody;
  }
  async redis(request) {
    const volunteer = request.user.id;
    const picked = await floor.redis.benchPick(`bench:pool`, `bench:seen:${volunteer}`, 'bench:holds', `bench:expiry:${volunteer}`, 10, 1000, Date.now());
    if (picked.length < 10) throw new Error(`the Redis pick found ${picked.length} subjects`);
    return constantBody;
  }
}
Controller('bench')(BenchFloorsController);
for (const [method, path] of [['postgres', 'postgres-round-trip'], ['redis', 'redis-pick']]) {
  Get(path)(BenchFloorsController.prototype, method, Object.getOwnPropertyDescriptor(BenchFloorsController.prototype, method));
}
require('@nestjs/common').Req()(BenchFloorsController.prototype, 'redis', 0);
class BenchFloorsModule {}
Module({ controllers: [BenchFloorsController] })(BenchFloorsModule);
const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', DEMO_PROJECT: 'false', PORT: '0', HOST: '127.0.0.1', DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '20' });
const app = await createApp(config, {
  configure: (fastify) => fastify.get('/bench/raw', (_request, reply) => reply.type('application/json; charset=utf-8').send(constant)),
  modules: [...(probeQueue ? [BenchBaselineModule] : []), ...(floors ? [BenchFloorsModule] : [])],
});
if (floors) await startFloors(floors.subjects);
await app.listen({ port: 0, host: '127.0.0.1' });
const jwt = app.get(JwtService, { strict: false });
const tokens = userIds.map((id) => jwt.sign({ sub: id, kind: 'guest' }));
const researcherTokens = researcherIds.map((id) => jwt.sign({ sub: id, kind: 'registered' }));

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
/** The API's own pool, and a Redis whose pool set holds as many subjects as the workflow. */
async function startFloors(subjects) {
  floor.db = app.get(require('typeorm').DataSource, { strict: false });
  const Redis = require('ioredis');
  floor.redis = new Redis(config.redisUrl);
  floor.redis.defineCommand('benchPick', { numberOfKeys: 4, lua: REDIS_PICK });
  const stale = await floor.redis.keys('bench:*');
  for (let i = 0; i < stale.length; i += 1000) await floor.redis.del(...stale.slice(i, i + 1000));
  // At least 200,000, so that the volunteer who asks a tenth of the time never runs out of unseen subjects in a run.
  const pool = Math.max(subjects, 200_000);
  for (let from = 0; from < pool; from += 10_000) {
    const ids = Array.from({ length: Math.min(10_000, pool - from) }, (_, i) => `00000000-0000-4000-8000-${String(from + i).padStart(12, '0')}`);
    await floor.redis.sadd('bench:pool', ...ids);
  }
}

console.log(JSON.stringify({ port: app.getHttpServer().address().port, tokens, researcherTokens, bodyBytes: Buffer.byteLength(constant) }));
process.on('SIGTERM', async () => {
  if (floors) {
    const keys = await floor.redis.keys('bench:*');
    for (let i = 0; i < keys.length; i += 1000) await floor.redis.del(...keys.slice(i, i + 1000));
    floor.redis.disconnect();
  }
  await app.close();
  process.exit(0);
});
