// For specs that build one or more apps per test: every app built through the returned
// function is closed after each test, even when an assertion failed half-way, so no
// app (or its timers) leaks into the next test.
import type { FastifyInstance } from 'fastify';
import { afterEach } from 'vitest';
import { buildTestApp } from '../test-app';

/** Call at the top of a spec file; registers the afterEach that closes the apps. */
export function buildTestAppsClosedAfterEach(): typeof buildTestApp {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  return async (...args) => {
    const built = await buildTestApp(...args);
    apps.push(built.app);
    return built;
  };
}
