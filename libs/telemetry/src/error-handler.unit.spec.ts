import Fastify from 'fastify';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { HttpProblem, registerErrorHandler } from './index';

async function build() {
  const app = Fastify();
  registerErrorHandler(app);
  app.get('/problem', async () => {
    throw new HttpProblem(404, 'SOURCE_NOT_FOUND', 'source acme/orders does not exist');
  });
  app.get('/zod', async () => z.object({ page: z.number() }).parse({ page: 'x' }));
  app.get('/crash', async () => {
    throw new Error('password=hunter2 leaked in a driver message');
  });
  return app;
}

describe('error handler', () => {
  it('answers a problem with its status and code', async () => {
    const res = await (await build()).inject('/problem');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'SOURCE_NOT_FOUND', message: 'source acme/orders does not exist' });
  });

  it('turns validation errors into a 400 naming the field', async () => {
    const res = await (await build()).inject('/zod');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('VALIDATION_FAILED');
    expect(res.json().message).toMatch(/^invalid request: page: /);
  });

  it('hides the message of a 5xx', async () => {
    const res = await (await build()).inject('/crash');
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
  });

  it('answers unknown routes with a typed 404', async () => {
    const res = await (await build()).inject('/nope?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toBe('no route for GET /nope');
  });
});
