// Reads docker-compose.yml so tests can keep it true by construction: every app has a
// service, and every variable a service sets is one its app's config schema knows.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function readComposeFile(path = resolve(process.cwd(), 'docker-compose.yml')): ComposeFile {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as ComposeFile;
}

/** `${VAR:-default}` → default, `${VAR}` → '' (unset): the values compose uses with an empty shell environment. */
export function interpolateComposeValue(value: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (_match, _name: string, fallback?: string) => fallback ?? '');
}

export function composeServiceEnv(service: string): Record<string, string> {
  const found = readComposeFile().services[service];
  if (!found) throw new Error(`docker-compose.yml has no service ${service}`);
  return Object.fromEntries(Object.entries(found.environment ?? {}).map(([key, value]) => [key, interpolateComposeValue(String(value))]));
}
