// The infra files checked by the real tools where the machine has them: kustomize (inside
// kubectl) renders every kustomization exactly as tools/deploy/kustomize.ts does — so the
// unit checks look at what a cluster would get, YAML quirks included — and nats-server
// accepts the cluster configuration.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { objectId, renderKustomization, type K8sObject } from './kustomize';

function onPath(command: string, versionArgs: string[]): boolean {
  return spawnSync(command, versionArgs, { stdio: 'ignore' }).status === 0;
}

const hasKubectl = onPath('kubectl', ['version', '--client']);
const hasNatsServer = onPath('nats-server', ['--version']);

function byId(objects: K8sObject[]): Map<string, K8sObject> {
  return new Map(objects.map((object) => [objectId(object), object]));
}

describe.skipIf(!hasKubectl)('kubectl kustomize', () => {
  it.each(['infra/k8s/base', 'infra/k8s/overlays/demo', 'infra/nats'])('renders %s exactly as the checks read it', (dir) => {
    const output = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const fromKustomize = parseAllDocuments(output)
      .map((document) => document.toJS() as K8sObject | null)
      .filter((object): object is K8sObject => object !== null);
    const fromChecks = renderKustomization(dir).map((rendered) => rendered.object);
    expect(byId(fromKustomize)).toEqual(byId(fromChecks));
  });
});

describe.skipIf(!hasNatsServer)('nats-server -t', () => {
  it('accepts infra/nats/nats-cluster.conf', () => {
    const result = spawnSync('nats-server', ['-t', '-c', 'infra/nats/nats-cluster.conf'], {
      encoding: 'utf8',
      env: { ...process.env, POD_NAME: 'nats-0' },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/configuration file .*nats-cluster\.conf is valid/);
  });
});
