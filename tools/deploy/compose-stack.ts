// docker-compose.yml as compose itself would see it with an empty shell environment: YAML
// merge keys applied and every `${VAR:-default}` replaced by its default, so the checks
// compare the values `docker compose up` really uses.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ComposeHealthcheck {
  test: string[] | string;
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  restart?: string;
  healthcheck?: ComposeHealthcheck;
  command?: string[] | string;
}

export interface ComposeStack {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** `${VAR:-default}` / `${VAR-default}` → default, `${VAR}` → '' (unset), `$$` → `$`. */
export function interpolate(value: string): string {
  return value
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (_m, _name: string, fallback?: string) => fallback ?? '')
    .replace(/\$\$/g, '$');
}

function interpolateAll(value: unknown): unknown {
  if (typeof value === 'string') return interpolate(value);
  if (Array.isArray(value)) return value.map(interpolateAll);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, interpolateAll(inner)]));
  }
  return value;
}

export function readComposeStack(path = 'docker-compose.yml'): ComposeStack {
  return interpolateAll(parse(readFileSync(path, 'utf8'), { merge: true })) as ComposeStack;
}

/** `127.0.0.1:9090:9090` / `4000:4000` → the container port. */
export function containerPort(mapping: string): number {
  return Number(mapping.split(':').at(-1)!.split('/')[0]);
}
