// docker-compose.yml cannot run here (no Docker engine), so it is kept correct by
// construction: this test checks its shape against the repository.
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readComposeFile } from '@freshet/testkit';

const compose = readComposeFile();
const apps = readdirSync('apps', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`apps/${d.name}/src/main.ts`))
  .map((d) => d.name);

describe('docker-compose.yml', () => {
  it('runs the three servers the stack needs, JetStream on with a volume', () => {
    expect(compose.services['nats']?.image).toMatch(/^nats:2\./);
    expect((compose.services['nats'] as { command?: string[] }).command).toContain('-js');
    expect(compose.services['nats']?.volumes?.[0]).toMatch(/^nats-data:/);
    expect(compose.services['postgres']?.image).toMatch(/^postgres:1[5-9]/);
    expect(compose.services['redis']?.image).toMatch(/^redis:7/);
  });

  it.each(apps)('builds app %s from the shared Dockerfile in infra/', (app) => {
    const service = compose.services[app];
    expect(service, `service ${app}`).toBeDefined();
    expect(service?.build?.dockerfile).toBe('infra/docker/app.Dockerfile');
    expect(existsSync(service!.build!.dockerfile)).toBe(true);
    expect(service?.build?.args?.['APP']).toBe(app);
  });

  it('only depends on services it declares, and declares the volumes it mounts', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        expect(compose.services[dependency], `${name} depends on ${dependency}`).toBeDefined();
      }
      for (const volume of service.volumes ?? []) {
        const named = volume.split(':')[0]!;
        if (!named.startsWith('.') && !named.startsWith('/')) expect(compose.volumes).toHaveProperty(named);
      }
    }
  });

  it('points every app at the compose servers, not at localhost', () => {
    for (const app of apps) {
      const env = compose.services[app]?.environment ?? {};
      for (const [key, value] of Object.entries(env)) {
        if (key.endsWith('_URL')) expect(value, `${app} ${key}`).not.toMatch(/127\.0\.0\.1|localhost/);
      }
      expect(env['HOST'], `${app} HOST`).toBe('0.0.0.0');
    }
  });
});

describe('docker-compose.yml exposure', () => {
  it('publishes only the gateway beyond the loopback interface', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? []) {
        if (name === 'gateway') continue;
        expect(port, `${name} publishes ${port}`).toMatch(/^127\.0\.0\.1:/);
      }
    }
  });

  it('gives every app the URLs of the servers it uses', () => {
    const needs: Record<string, string[]> = {
      ingest: ['NATS_URL', 'DATABASE_URL', 'REDIS_URL'],
      'sync-scheduler': ['NATS_URL', 'DATABASE_URL'],
      cache: ['NATS_URL', 'REDIS_URL'],
      gateway: ['NATS_URL'],
    };
    for (const [app, variables] of Object.entries(needs)) {
      for (const variable of variables) expect(compose.services[app]?.environment?.[variable], `${app} ${variable}`).toBeDefined();
    }
  });
});
