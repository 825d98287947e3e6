// infra/k8s (base and the demo overlay, infra/nats included) rendered as kustomize renders
// it, then checked against the Kubernetes schemas and against the repository: images are
// the ones docker-compose.yml builds, every variable is one the app's config reads, probes
// hit the apps' real health routes on their real ports, every Deployment has resources,
// replicas, a disruption budget and a Service that selects it.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { httpEnv, natsEnv, postgresEnv, redisEnv } from '@freshet/config';
import { tracingSettings } from '@freshet/telemetry';
import { READ_FACTS_TIMEOUT_MS, readAppConfigFacts, TRACING_ENV_NAMES, unknownEnv, type AppConfigFacts } from './app-config-facts';
import { readComposeStack } from './compose-stack';
import { operationalRoutes, type OperationalRoutes } from './health-routes';
import { schemaError, unknownFieldErrors } from './k8s-schemas';
import { renderKustomization, type K8sObject, type RenderedObject } from './kustomize';

// ---- the shapes read below (the schemas themselves are checked first) -----------------
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: { name: string; key: string }; fieldRef?: unknown };
}
interface HttpProbe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: HttpProbe;
  livenessProbe?: HttpProbe;
  startupProbe?: HttpProbe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: { allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] }; runAsNonRoot?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  volumes?: { name: string; secret?: { secretName: string; items?: { key: string; path: string }[]; optional?: boolean }; configMap?: { name: string } }[];
}
interface Workload extends K8sObject {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec } };
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'Job']);
const compose = readComposeStack();
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const operationsDoc = readFileSync('docs/operations.md', 'utf8');

const isWorkload = (object: K8sObject): object is Workload => WORKLOAD_KINDS.has(object.kind);
const selects = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
/** freshet/<app>:<tag> → app */
const appOfImage = (image: string) => /^freshet\/([a-z0-9-]+):/.exec(image)?.[1];

/** Kubernetes quantities to numbers: cpu in cores, memory in bytes. */
function quantity(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G)?$/.exec(value);
  if (!match) throw new Error(`quantity ${value}`);
  const factor = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * factor;
}

function findObject(rendered: RenderedObject[], kind: string, name: string, namespace?: string): K8sObject | undefined {
  return rendered.map((r) => r.object).find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
}

/** Every variable a container gets: its own env and the keys of the ConfigMaps it takes whole. */
function containerEnv(rendered: RenderedObject[], container: Container, namespace?: string): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  for (const source of container.envFrom ?? []) {
    if (source.secretRef) throw new Error(`${container.name}: envFrom secretRef hides which variables it sets; use secretKeyRef`);
    const configMap = findObject(rendered, 'ConfigMap', source.configMapRef!.name, namespace) as (K8sObject & { data?: Record<string, string> }) | undefined;
    if (!configMap) {
      if (source.configMapRef!.optional) continue;
      throw new Error(`${container.name}: ConfigMap ${source.configMapRef!.name} does not exist`);
    }
    for (const [key, value] of Object.entries(configMap.data ?? {})) env.set(key, value);
  }
  for (const variable of container.env ?? []) env.set(variable.name, variable.value);
  return env;
}

function renderings(): Record<string, RenderedObject[]> {
  return { base: renderKustomization('infra/k8s/base'), demo: renderKustomization('infra/k8s/overlays/demo') };
}

describe('infra/k8s manifests', () => {
  const rendered = renderings();
  let facts: Map<string, AppConfigFacts>;
  let routes: OperationalRoutes;

  beforeAll(async () => {
    facts = readAppConfigFacts();
    routes = await operationalRoutes();
  }, READ_FACTS_TIMEOUT_MS);

  describe.each(Object.keys(rendered))('%s', (name) => {
    const objects = rendered[name]!;
    const workloads = objects.map((r) => r.object).filter(isWorkload);
    const appContainers = workloads.flatMap((workload) =>
      workload.spec.template.spec.containers.filter((c) => appOfImage(c.image)).map((container) => ({ workload, container, app: appOfImage(container.image)! })),
    );

    it('validates against the Kubernetes schemas (kubernetes-models), unknown fields included', () => {
      const problems = objects.flatMap(({ object, file }) => {
        const error = schemaError(object);
        return error ? [`${file} ${object.kind}/${object.metadata.name}: ${error}`] : [];
      });
      for (const [index, errors] of unknownFieldErrors(objects.map((r) => r.object))) {
        const { object, file } = objects[index]!;
        problems.push(`${file} ${object.kind}/${object.metadata.name}: ${errors.join('; ')}`);
      }
      expect(problems).toEqual([]);
      // The first call loads the schemas (a second or two alone; far more next to the other deploy checks).
    }, 30_000);

    it('puts everything in the Namespace it creates', () => {
      const namespaces = objects.filter((r) => r.object.kind === 'Namespace').map((r) => r.object.metadata.name);
      expect(namespaces).toEqual(['freshet']);
      for (const { object, file } of objects.filter((r) => r.object.kind !== 'Namespace')) {
        expect(object.metadata.namespace, `${file} ${object.kind}/${object.metadata.name}`).toBe('freshet');
      }
    });

    it('runs every app docker-compose.yml builds from this repository, as the image compose builds', () => {
      const expected = ['ingest', 'sync-scheduler', 'cache', 'gateway', ...(name === 'demo' ? ['upstream-sim'] : [])];
      expect([...new Set(appContainers.map((c) => c.app))].sort()).toEqual(expected.sort());
      for (const { app, container } of appContainers) {
        expect(container.image, app).toBe(compose.services[app]?.image);
        expect(container.image).toBe(`freshet/${app}:${version}`);
      }
    });

    it('pins every other image, to the same version docker-compose.yml runs where both use it', () => {
      const composeImages = new Map(
        Object.values(compose.services)
          .map((s) => s.image)
          .filter((image): image is string => image !== undefined)
          .map((image) => [image.split(':')[0]!, image]),
      );
      for (const workload of workloads) {
        for (const container of [...workload.spec.template.spec.containers, ...(workload.spec.template.spec.initContainers ?? [])]) {
          expect(container.image, `${workload.metadata.name}/${container.name}`).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9._-]+$/);
          expect(container.image).not.toMatch(/:latest$/);
          const repository = container.image.split(':')[0]!;
          if (composeImages.has(repository)) expect(container.image, `${workload.metadata.name}: same as compose`).toBe(composeImages.get(repository));
        }
      }
    });

    it('gives every app only variables its config reads, from ConfigMaps and Secrets that exist', () => {
      for (const { workload, container, app } of appContainers) {
        const env = containerEnv(objects, container, workload.metadata.namespace);
        expect(unknownEnv(facts.get(app)!, env.keys()), `${app} sets variables its config does not read`).toEqual([]);
        // The check itself: one more variable, unknown to the app, and it would fail.
        expect(unknownEnv(facts.get(app)!, [...env.keys(), 'FRESHET_NOT_A_SETTING', 'OTEL_EXPORTER_OTLP_ENDPOINTS'])).toEqual([
          'FRESHET_NOT_A_SETTING',
          'OTEL_EXPORTER_OTLP_ENDPOINTS',
        ]);
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (!ref) continue;
          const secret = findObject(objects, 'Secret', ref.name) as (K8sObject & { stringData?: Record<string, string>; data?: Record<string, string> }) | undefined;
          if (secret) expect({ ...secret.data, ...secret.stringData }, `${ref.name} has ${ref.key}`).toHaveProperty([ref.key]);
          else if (name === 'demo') expect(ref.optional, `${app}: Secret ${ref.name} is missing from the demo`).toBe(true);
          // The base leaves Secrets to the operator: docs/operations.md must say which.
          expect(operationsDoc, `docs/operations.md names Secret ${ref.name}`).toContain(ref.name);
          expect(operationsDoc, `docs/operations.md names key ${ref.key} of ${ref.name}`).toContain(ref.key);
        }
      }
    });

    it('sets shared variables to values the shared config accepts', () => {
      const shared = z.object({ ...httpEnv, ...natsEnv, ...postgresEnv, ...redisEnv }).shape as Record<string, z.ZodType>;
      for (const { workload, container, app } of appContainers) {
        for (const [variable, value] of containerEnv(objects, container, workload.metadata.namespace)) {
          if (value === undefined || !(variable in shared)) continue;
          const result = shared[variable]!.safeParse(value);
          expect(result.success, `${app} ${variable}=${value}: ${result.error?.message}`).toBe(true);
        }
        // Tracing variables as libs/telemetry reads them (empty = unset, like every app's config).
        const tracing = Object.fromEntries([...containerEnv(objects, container, workload.metadata.namespace)].filter(([variable]) => TRACING_ENV_NAMES.has(variable)));
        expect(() => tracingSettings(tracing), `${app} tracing variables`).not.toThrow();
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          const secret = ref && (findObject(objects, 'Secret', ref.name) as (K8sObject & { stringData?: Record<string, string> }) | undefined);
          const value = ref && secret?.stringData?.[ref.key];
          if (value !== undefined && variable.name in shared) expect(shared[variable.name]!.safeParse(value).success, `${app} ${variable.name}`).toBe(true);
        }
      }
    });

    it("listens on the app's own port, probed on its real health routes", () => {
      for (const { container, app, workload } of appContainers) {
        const port = facts.get(app)!.defaultPort;
        expect(container.ports, app).toEqual([{ name: 'http', containerPort: port }]);
        expect(containerEnv(objects, container, workload.metadata.namespace).get('PORT'), `${app} PORT`).toBe(String(port));
        const probes = { readinessProbe: routes.readiness, livenessProbe: routes.liveness, startupProbe: routes.liveness } as const;
        for (const [probe, path] of Object.entries(probes) as [keyof typeof probes, string][]) {
          const httpGet = container[probe]?.httpGet;
          if (probe === 'startupProbe' && httpGet === undefined) continue;
          expect(httpGet?.path, `${app} ${probe}`).toBe(path);
          expect(httpGet?.port === 'http' || httpGet?.port === port, `${app} ${probe} port`).toBe(true);
        }
        const annotations = workload.spec.template.metadata.annotations ?? {};
        expect(annotations['prometheus.io/port'], `${app} scrape port`).toBe(String(port));
        expect(annotations['prometheus.io/path'], `${app} scrape path`).toBe(routes.metrics);
      }
    });

    it('asks for CPU and memory and caps memory, for every container', () => {
      for (const workload of workloads) {
        for (const container of workload.spec.template.spec.containers) {
          const where = `${workload.metadata.name}/${container.name}`;
          const { requests = {}, limits = {} } = container.resources ?? {};
          expect(requests['cpu'], where).toBeDefined();
          expect(requests['memory'], where).toBeDefined();
          expect(limits['memory'], where).toBeDefined();
          expect(quantity(requests['memory']!), `${where} request ≤ limit`).toBeLessThanOrEqual(quantity(limits['memory']!));
        }
      }
    });

    it("runs Freshet's services with replicas, a disruption budget that allows a drain, and a Service", () => {
      const autoscalers = objects.map((r) => r.object).filter((o) => o.kind === 'HorizontalPodAutoscaler') as (K8sObject & {
        spec: { scaleTargetRef: { kind: string; name: string }; minReplicas?: number };
      })[];
      const budgets = objects.map((r) => r.object).filter((o) => o.kind === 'PodDisruptionBudget') as (K8sObject & {
        spec: { selector: { matchLabels: Record<string, string> }; minAvailable?: number; maxUnavailable?: number };
      })[];
      const services = objects.map((r) => r.object).filter((o) => o.kind === 'Service') as (K8sObject & { spec: { selector?: Record<string, string> } })[];
      for (const workload of workloads.filter((w) => w.kind === 'Deployment' && w.metadata.name !== 'upstream-sim' && w.metadata.name !== 'redis')) {
        const labels = workload.spec.template.metadata.labels;
        expect(selects(workload.spec.selector.matchLabels, labels), `${workload.metadata.name} selector`).toBe(true);
        const autoscaler = autoscalers.find((a) => a.spec.scaleTargetRef.kind === 'Deployment' && a.spec.scaleTargetRef.name === workload.metadata.name);
        const replicas = workload.spec.replicas ?? autoscaler?.spec.minReplicas ?? 1;
        expect(replicas, `${workload.metadata.name} replicas`).toBeGreaterThanOrEqual(2);
        const budget = budgets.find((b) => selects(b.spec.selector.matchLabels, labels));
        expect(budget, `${workload.metadata.name} has a PodDisruptionBudget`).toBeDefined();
        const allowed = budget!.spec.maxUnavailable ?? replicas - (budget!.spec.minAvailable ?? replicas);
        expect(allowed, `${workload.metadata.name}: the budget lets a node drain`).toBeGreaterThanOrEqual(1);
        expect(services.some((s) => selects(s.spec.selector ?? {}, labels)), `${workload.metadata.name} has a Service`).toBe(true);
      }
      for (const autoscaler of autoscalers) {
        expect(findObject(objects, autoscaler.spec.scaleTargetRef.kind, autoscaler.spec.scaleTargetRef.name), `${autoscaler.metadata.name} target`).toBeDefined();
      }
    });

    it('points every Service at pods that have the ports it names', () => {
      const services = objects.map((r) => r.object).filter((o) => o.kind === 'Service') as (K8sObject & {
        spec: { selector: Record<string, string>; ports: { port: number; targetPort?: string | number }[] };
      })[];
      for (const service of services) {
        const pods = workloads.filter((w) => selects(service.spec.selector, w.spec.template.metadata.labels));
        expect(pods.length, `${service.metadata.name} selects a workload`).toBeGreaterThan(0);
        for (const port of service.spec.ports) {
          const target = port.targetPort ?? port.port;
          for (const pod of pods) {
            const ports = pod.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
            expect(ports.some((p) => p.name === target || p.containerPort === target), `${service.metadata.name} → ${pod.metadata.name}:${target}`).toBe(true);
          }
        }
      }
    });

    it('stops within the grace period: preStop plus the app’s SHUTDOWN_GRACE_MS', () => {
      const defaultGraceMs = httpEnv.SHUTDOWN_GRACE_MS.parse(undefined);
      for (const { workload, container, app } of appContainers) {
        const graceMs = Number(containerEnv(objects, container, workload.metadata.namespace).get('SHUTDOWN_GRACE_MS') ?? defaultGraceMs);
        const preStop = container.lifecycle?.preStop?.exec?.command;
        const preStopMs = preStop?.[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
        const terminationMs = (workload.spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000;
        expect(preStopMs + graceMs, `${app}: preStop ${preStopMs} ms + grace ${graceMs} ms`).toBeLessThan(terminationMs);
      }
    });

    it('meets the restricted Pod Security Standard the Namespace enforces', () => {
      for (const workload of workloads) {
        const pod = workload.spec.template.spec;
        const where = workload.metadata.name;
        expect(pod.securityContext?.seccompProfile?.type, where).toBe('RuntimeDefault');
        for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
          expect(container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot, `${where}/${container.name} runAsNonRoot`).toBe(true);
          expect(container.securityContext?.allowPrivilegeEscalation, `${where}/${container.name}`).toBe(false);
          expect(container.securityContext?.capabilities?.drop, `${where}/${container.name}`).toEqual(['ALL']);
        }
        // The images run as uid 1000 (node, nats) or their own service user: never root.
        expect(pod.securityContext?.runAsUser, where).toBeGreaterThan(0);
      }
    });

    it('mounts only volumes it declares, and the files its variables name exist in them', () => {
      for (const { workload, container, app } of appContainers) {
        const volumes = workload.spec.template.spec.volumes ?? [];
        for (const mount of container.volumeMounts ?? []) expect(volumes.map((v) => v.name), `${app} mounts ${mount.name}`).toContain(mount.name);
        for (const [variable, value] of containerEnv(objects, container, workload.metadata.namespace)) {
          if (!variable.endsWith('_FILE') || value === undefined) continue;
          const mount = (container.volumeMounts ?? []).find((m) => value.startsWith(`${m.mountPath}/`));
          expect(mount, `${app} ${variable}=${value} is on a mounted volume`).toBeDefined();
          const volume = volumes.find((v) => v.name === mount!.name);
          const file = value.slice(mount!.mountPath.length + 1);
          expect(volume?.secret?.items?.map((i) => i.path) ?? [], `${app} ${variable}`).toContain(file);
        }
      }
    });
  });

  it('gives the demo the same public development API keys as docker-compose.yml', () => {
    const secret = findObject(rendered['demo']!, 'Secret', 'freshet-gateway') as K8sObject & { stringData: Record<string, string> };
    expect(JSON.parse(secret.stringData['api-keys.json']!)).toEqual(JSON.parse(readFileSync('infra/dev/gateway-api-keys.json', 'utf8')));
    expect(secret.stringData['jwt-secret']).toBe(compose.services['gateway']?.environment?.['GATEWAY_JWT_SECRET']);
  });
});
