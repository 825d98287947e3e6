// Generates the provisioned Grafana dashboards (infra/grafana/dashboards/*.json) and the
// Prometheus alert rules (infra/prometheus/rules/freshet-alerts.yml) from the code in this
// folder. `npm run dashboards` writes them; generated-files.unit.spec.ts fails when the
// committed files differ from what this generates.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALERT_RULES_FILE, alertRulesYaml } from './alerts';
import { DASHBOARDS } from './dashboards/index';

export const DASHBOARDS_DIR = 'infra/grafana/dashboards';

/** Every generated file: its path from the repository root and its content. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const { file, build } of DASHBOARDS) files.set(`${DASHBOARDS_DIR}/${file}`, `${JSON.stringify(build(), null, 2)}\n`);
  files.set(ALERT_RULES_FILE, alertRulesYaml());
  return files;
}

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function main(): void {
  for (const [path, content] of generatedFiles()) {
    const target = join(REPO_ROOT, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    console.log(`wrote ${path}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
