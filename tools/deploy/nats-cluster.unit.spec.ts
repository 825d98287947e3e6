// infra/nats: the three-node JetStream cluster's configuration agrees with the StatefulSet
// that runs it (routes ↔ pods and headless Service, ports, store and pid paths ↔ volumes),
// with the apps (NATS_URL, and the replica count they give streams and buckets).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readComposeStack } from './compose-stack';
import { renderKustomization, type K8sObject } from './kustomize';

const CONF_PATH = 'infra/nats/nats-cluster.conf';
const conf = readFileSync(CONF_PATH, 'utf8').replace(/#.*$/gm, '');
const objects = renderKustomization('infra/k8s/base').map((r) => r.object);

/** `key: value` at any depth of the NATS config (the few scalars checked here). */
function setting(key: string): string {
  const match = new RegExp(`^\\s*${key}\\s*[:=]\\s*"?([^"\\n]+?)"?\\s*$`, 'm').exec(conf);
  if (!match) throw new Error(`${CONF_PATH} has no ${key}`);
  return match[1]!;
}

function block(name: string): string {
  const start = new RegExp(`^\\s*${name}\\s*\\{`, 'm').exec(conf);
  if (!start) throw new Error(`${CONF_PATH} has no ${name} block`);
  let depth = 0;
  for (let i = start.index + start[0].length - 1; i < conf.length; i += 1) {
    if (conf[i] === '{') depth += 1;
    if (conf[i] === '}' && --depth === 0) return conf.slice(start.index, i + 1);
  }
  throw new Error(`${CONF_PATH}: unclosed ${name} block`);
}

interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string }[];
  readinessProbe?: { httpGet?: { path: string; port: string } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}
interface StatefulSet extends K8sObject {
  spec: {
    replicas: number;
    serviceName: string;
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[]; volumes?: { name: string; configMap?: { name: string }; emptyDir?: object }[] } };
    volumeClaimTemplates: { metadata: { name: string } }[];
  };
}
interface Service extends K8sObject {
  spec: { clusterIP?: string; publishNotReadyAddresses?: boolean; selector: Record<string, string>; ports: { name: string; port: number }[] };
}

const find = <T extends K8sObject>(kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as T | undefined;
const statefulSet = find<StatefulSet>('StatefulSet', 'nats')!;
const server = statefulSet.spec.template.spec.containers.find((c) => c.name === 'nats')!;
const routes = [...block('cluster').matchAll(/nats:\/\/([A-Za-z0-9.-]+):(\d+)/g)].map((m) => ({ host: m[1]!, port: Number(m[2]) }));
const portOf = (name: string) => server.ports?.find((p) => p.name === name)?.containerPort;
const mountOf = (path: string) => server.volumeMounts?.find((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`));

describe('infra/nats', () => {
  it('routes to every pod of the StatefulSet through its headless Service', () => {
    expect(routes.length).toBe(statefulSet.spec.replicas);
    expect(statefulSet.spec.replicas % 2, 'an odd number of servers keeps a JetStream quorum').toBe(1);
    expect(routes.map((r) => r.host)).toEqual([...Array(statefulSet.spec.replicas).keys()].map((i) => `nats-${i}.${statefulSet.spec.serviceName}`));
    const headless = find<Service>('Service', statefulSet.spec.serviceName)!;
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    for (const route of routes) expect(headless.spec.ports.map((p) => p.port)).toContain(route.port);
    expect(Number(setting('port'))).toBe(portOf('client'));
  });

  it('listens where the pods expose and the probes ask', () => {
    const cluster = block('cluster');
    expect(Number(/^\s*port\s*:\s*(\d+)/m.exec(cluster.slice(cluster.indexOf('{')))?.[1])).toBe(portOf('cluster'));
    expect(routes.every((r) => r.port === portOf('cluster'))).toBe(true);
    expect(Number(setting('http_port'))).toBe(portOf('monitor'));
    expect(server.readinessProbe?.httpGet?.port).toBe('monitor');
    expect(server.readinessProbe?.httpGet?.path).toMatch(/^\/healthz/);
  });

  it('names each server after its pod, reads this file, and keeps JetStream and the pid file on mounted volumes', () => {
    expect(setting('server_name')).toBe('$POD_NAME');
    expect(server.env?.find((e) => e.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    const configPath = server.args?.[server.args.indexOf('--config') + 1] ?? '';
    const configMount = mountOf(configPath)!;
    const configVolume = statefulSet.spec.template.spec.volumes?.find((v) => v.name === configMount.name);
    const configMap = find<K8sObject & { data: Record<string, string> }>('ConfigMap', configVolume!.configMap!.name)!;
    expect(configMap.data[configPath.slice(configMount.mountPath.length + 1)]).toBe(readFileSync(CONF_PATH, 'utf8'));

    const storeDir = /store_dir\s*:\s*"?([^"\n]+)"?/.exec(block('jetstream'))![1]!;
    expect(statefulSet.spec.volumeClaimTemplates.map((t) => t.metadata.name)).toContain(mountOf(storeDir)?.name);
    const pidFile = setting('pid_file');
    expect(mountOf(pidFile), 'the pid file is writable').toBeDefined();
    expect(server.lifecycle?.preStop?.exec?.command.join(' ')).toContain(`ldm=${pidFile}`);
  });

  it('runs the NATS version docker-compose.yml runs, and lets only one server go at a time', () => {
    expect(server.image).toBe(readComposeStack().services['nats']?.image);
    const budget = find<K8sObject & { spec: { maxUnavailable: number; selector: { matchLabels: Record<string, string> } } }>('PodDisruptionBudget', 'nats')!;
    expect(budget.spec.maxUnavailable).toBe(1);
    expect(budget.spec.maxUnavailable).toBeLessThanOrEqual((statefulSet.spec.replicas - 1) / 2);
  });

  it('is what the apps connect to', () => {
    const common = find<K8sObject & { data: Record<string, string> }>('ConfigMap', 'freshet-common')!;
    const url = new URL(common.data['NATS_URL']!);
    const client = find<Service>('Service', url.hostname)!;
    const podLabels = statefulSet.spec.template.metadata.labels;
    expect(Object.entries(client.spec.selector).every(([key, value]) => podLabels[key] === value)).toBe(true);
    expect(client.spec.ports.map((p) => p.port)).toContain(Number(url.port));
  });

  it('has the apps replicate every stream and bucket on every server, with nothing else editing them', () => {
    const common = find<K8sObject & { data: Record<string, string> }>('ConfigMap', 'freshet-common')!.data;
    // The apps read it through natsEnv (libs/config); each app's config check (k8s-manifests) sees it is known.
    const replicas = Number(common['FRESHET_STREAM_REPLICAS']);
    expect(replicas, 'FRESHET_STREAM_REPLICAS in freshet-common').toBe(statefulSet.spec.replicas);
    expect(replicas).toBe(routes.length);
    // R3 on three servers tolerates exactly the one server the disruption budget lets go.
    const budget = find<K8sObject & { spec: { maxUnavailable: number } }>('PodDisruptionBudget', 'nats')!;
    expect(budget.spec.maxUnavailable).toBeLessThanOrEqual((replicas - 1) / 2);
    // The services own the replica count: nothing else edits streams (the Job that used to
    // raise them to 3 would now fight FRESHET_STREAM_REPLICAS).
    const editors = objects
      .filter((o) => ['Job', 'CronJob', 'Deployment', 'StatefulSet'].includes(o.kind))
      .filter((o) => /\bstream (edit|update)\b|--replicas/.test(JSON.stringify(o)))
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(editors).toEqual([]);
  });
});
