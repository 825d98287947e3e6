// The baseline of `npm run bench -- cache`, run as its own process: a bare Fastify server
// whose one route answers the cache's snapshot path with the bytes held in one Redis key
// (what the cache answered once, stored by the benchmark): GET the key, send it as
// application/json. No parsing, no validation, no metrics, no logging — the least any
// HTTP + Redis service can do for this answer, so `ratio_vs_bare` is the cache's overhead.
// Env: PORT, REDIS_URL, BARE_BODY_KEY (full key name; the client has no key prefix).
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const port = Number(process.env['PORT']);
const key = process.env['BARE_BODY_KEY'];
if (!Number.isInteger(port) || port <= 0 || !key) {
  process.stderr.write('cache-bare-server: PORT and BARE_BODY_KEY are required\n');
  process.exit(2);
}

const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const app = Fastify({ logger: false });
app.get('/readyz', async () => ({ ok: true }));
// Same path shape as the cache's, so routing costs the same.
app.get('/internal/v1/snapshots/:tenant/:source', async (_request, reply) => {
  const body = await redis.getBuffer(key);
  if (body === null) return reply.code(404).send({ error: { code: 'NO_BODY', message: `${key} is not set` } });
  return reply.type('application/json').send(body);
});
await app.listen({ host: '127.0.0.1', port });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => redis.quit())
      .finally(() => process.exit(0));
  });
}
