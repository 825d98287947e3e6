// Proof against the real thing (issue 8): a real Prometheus (Debian's `prometheus`,
// installed by .ci/run; a missing binary fails this test) scrapes every service of a
// running stack once a second and loads the alert rules, while a short workload makes the
// stack do what operators watch: syncs with pages, a 429 and its pause, waits for
// permission, a daily budget, an ETag 304 (requests saved), a dead job, snapshot reads,
// open streams with data delivered, made-up sources thrown at every public surface.
//
// Then, through Prometheus's HTTP API:
// - every panel query of every dashboard, with its variables filled in — once for "All",
//   once for the workload's tenant and source — parses and returns data;
// - every dashboard variable lists values, the workload's among them;
// - every metric name a dashboard or alert uses is one a service exports (so a query with
//   a zero fallback cannot hide a metric nobody exports);
// - every alert expression parses, and its probe (the same expression with `bool`
//   comparisons: alerts.ts) returns data; every rule is loaded and evaluates without error;
//   the dead-jobs alert actually fires;
// - a service restarted under scraping is scraped again, its counters' reset is a reset to
//   rate(), its panels keep answering and the service-down alert does not fire;
// - no label value anywhere comes from the made-up names (bounded cardinality).
// promtool checks the rule files and both Prometheus configurations first.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, waitFor, type SseConnection, type SseEvent } from '@freshet/testkit';
import { devAuth, registerSource, requestRefresh, seedDataset } from '../dev/demo-seed';
import { startE2eStack, type E2eStack } from '../e2e/e2e-stack';
import { ALERT_RULES, ALERT_RULES_FILE, alertExpression, alertProbe } from './alerts';
import { panelQueries, variableQueries, type DashboardJson } from './dashboard-checks';
import { DASHBOARDS } from './dashboards/index';
import { DASHBOARDS_DIR, REPO_ROOT } from './generate';
import { prometheusBinary, promtoolCheck, startPrometheus, type PrometheusServer, type QueryResult } from './prometheus-server';
import { metricNames, substitute } from './promql';

const TENANT = 'obs';
/** Healthy: three pages, ETag on page 1, a client-side rate limit (pages 2 and 3 wait for it), a daily budget; a stream is open on it. */
const MAIN = { source: 'products', dataset: 'obs-products', upstreamId: 'sim-products' };
/** Upstream-sim rate-limits it to one request per 2 s: page 2 gets a 429 with Retry-After. */
const THROTTLED = { source: 'throttled', dataset: 'obs-throttled', upstreamId: 'sim-throttled' };
/** Its first page is malformed: the job fails for good at once (a dead job). */
const BROKEN = { source: 'broken', dataset: 'obs-broken', upstreamId: 'sim-broken' };
/** Made-up names sent at the public surfaces; none may become a label value. */
const JUNK = 'zzjunk';
/** `$__rate_interval` and `$__range` in the queries: 15 one-second scrapes. */
const WINDOW = '15s';
const CACHE_DASHBOARD_UID = 'freshet-cache';

const jobIdOf = (e: SseEvent) => (JSON.parse(e.data) as { data?: { jobId?: string } }).data?.jobId;
const hasData = (r: QueryResult) => r.status === 'success' && (r.data?.result.length ?? 0) > 0;
const describeAnswer = (r: QueryResult) => (r.status === 'success' ? `${r.data?.result.length ?? 0} series` : `${r.errorType}: ${r.error}`);

// The committed files Grafana provisions (observability.unit.spec.ts keeps them equal to the code).
const dashboards = DASHBOARDS.map((d) => JSON.parse(readFileSync(join(REPO_ROOT, DASHBOARDS_DIR, d.file), 'utf8')) as DashboardJson);
const queries = dashboards.flatMap(panelQueries);

/** Every panel query for one choice of variable values. */
function filledQueries(variables: Record<string, string>) {
  return queries.map((q) => ({ ...q, filled: substitute(q.expr, { variables, window: WINDOW }) }));
}
const ALL = { tenant: '.*', source: '.*', service: '.*' };
const DEMO = { tenant: TENANT, source: MAIN.source, service: 'ingest' };

let stack: E2eStack;
let prometheus: PrometheusServer;
const streams: SseConnection[] = [];

async function put(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`PUT ${url}: ${response.status} ${await response.text()}`);
}

async function stream(path: string): Promise<SseConnection> {
  const sse = await openSse(`${stack.urls.gateway}${path}`, { headers: await devAuth(TENANT) });
  if (sse.status !== 200) throw new Error(`stream ${path}: ${sse.status}`);
  streams.push(sse);
  await sse.waitFor((e) => e.event === 'ready');
  return sse;
}

async function refreshAndWait(sse: SseConnection, source: string, until: 'job.completed' | 'job.dead'): Promise<void> {
  const from = sse.events.length;
  // A refresh is forced: even when the previous job's end reached the stream before the
  // scheduler's ledger, it gets a job of its own (the follow-up), never the ended one.
  const { jobId } = await requestRefresh(stack.urls.gateway, TENANT, source);
  await sse.waitFor((e) => e.event === until && jobIdOf(e) === jobId, { from, timeoutMs: 45_000 });
}

/** Bad input at every public surface, with made-up tenant and source names. */
async function sendJunk(): Promise<void> {
  const auth = await devAuth(TENANT);
  for (let i = 0; i < 5; i++) {
    const source = `${JUNK}-${i}`;
    for (const [method, path] of [
      ['GET', `/v1/tenants/${TENANT}/sources/${source}/snapshot`],
      ['GET', `/v1/tenants/${TENANT}/sources/${source}/events`],
      ['POST', `/v1/tenants/${TENANT}/sources/${source}/refresh`],
      ['GET', `/v1/tenants/${JUNK}-t${i}/sources/${source}/snapshot`],
      ['GET', `/v1/${JUNK}/${i}`],
    ] as const) {
      const response = await fetch(`${stack.urls.gateway}${path}`, { method, headers: auth });
      await response.body?.cancel();
      if (response.status < 400) throw new Error(`${method} ${path} answered ${response.status}; expected a refusal`);
    }
  }
}

beforeAll(async () => {
  // Fail at once, naming what to install, rather than after starting a stack.
  prometheusBinary();
  stack = await startE2eStack('prom', {
    'upstream-sim': { SIM_PAGE_SIZE: '10' },
    // Only the scan at start (no sources yet): the workload's jobs are the ones it asks for.
    'sync-scheduler': { SCHEDULER_DEMAND_SCAN_INTERVAL_MS: '0' },
  });
  const targets = Object.fromEntries(Object.entries(stack.urls).map(([app, url]) => [app, new URL(url).host]));
  mkdirSync('.freshet/logs', { recursive: true });
  prometheus = await startPrometheus({ targets, ruleFiles: [join(REPO_ROOT, 'infra/prometheus/rules/*.yml')], intervalSeconds: 1, logFile: `.freshet/logs/${stack.names.id}-prometheus.log` });
  // Every service scraped a few times before anything happens: counters are seen at their
  // starting value, so increase() and the alerts see the workload's changes.
  await waitFor(
    async () => {
      const scraped = await prometheus.query('count_over_time(up[1m]) >= 3 and up == 1');
      return (scraped.data?.result.length ?? 0) === Object.keys(targets).length;
    },
    { timeoutMs: 30_000, intervalMs: 250, message: 'every service scraped three times' },
  );

  // The workload.
  const sim = stack.urls['upstream-sim'];
  await seedDataset(sim, MAIN.dataset, 30);
  await seedDataset(sim, THROTTLED.dataset, 30);
  await seedDataset(sim, BROKEN.dataset, 10);
  await put(`${sim}/admin/datasets/${THROTTLED.dataset}/limits`, { requestsPerSecond: 0.5, burst: 1 });
  await put(`${sim}/admin/datasets/${BROKEN.dataset}/faults`, { malformedPages: [1] });
  const pagedList = { pagination: { type: 'pageNumber', pageParam: 'page', startPage: 1, totalPagesHeader: 'x-pages' } };
  await registerSource(stack.urls, TENANT, MAIN.source, MAIN.dataset, {
    connector: { type: 'http', ...pagedList, incremental: { strategy: 'etag' }, rateLimit: { requestsPerSecond: 2, burst: 1 }, dailyBudget: { requests: 10_000 }, upstreamId: MAIN.upstreamId },
  });
  await registerSource(stack.urls, TENANT, THROTTLED.source, THROTTLED.dataset, { connector: { type: 'http-paged-list', upstreamId: THROTTLED.upstreamId } });
  await registerSource(stack.urls, TENANT, BROKEN.source, BROKEN.dataset, { connector: { type: 'http-paged-list', upstreamId: BROKEN.upstreamId } });

  await stream(`/v1/tenants/${TENANT}/sources/${MAIN.source}/events`);
  const tenantStream = await stream(`/v1/tenants/${TENANT}/stream?channel=tenant`);
  await refreshAndWait(tenantStream, MAIN.source, 'job.completed'); // 30 records, 3 pages
  await refreshAndWait(tenantStream, MAIN.source, 'job.completed'); // page 1 answers 304: 2 requests saved
  const snapshot = await fetch(`${stack.urls.gateway}/v1/tenants/${TENANT}/sources/${MAIN.source}/snapshot`, { headers: await devAuth(TENANT) });
  expect(snapshot.status).toBe(200);
  await snapshot.body?.cancel();
  await refreshAndWait(tenantStream, BROKEN.source, 'job.dead');
  await requestRefresh(stack.urls.gateway, TENANT, THROTTLED.source);
  await waitFor(
    async () => {
      const stats = (await (await fetch(`${sim}/admin/stats`)).json()) as { byDataset: Record<string, { rateLimited: number }> };
      return (stats.byDataset[THROTTLED.dataset]?.rateLimited ?? 0) > 0;
    },
    { message: 'a 429 answered to the throttled source', timeoutMs: 20_000 },
  );
  await sendJunk();
}, 180_000);

afterAll(async () => {
  streams.forEach((s) => s.close());
  await prometheus?.stop();
  await stack?.teardown();
});

describe('configuration', () => {
  it('promtool accepts the alert rules, the compose configuration and the one this test runs', async () => {
    expect(await promtoolCheck('rules', join(REPO_ROOT, ALERT_RULES_FILE))).toMatch(new RegExp(`SUCCESS: ${ALERT_RULES.length} rules found`));
    expect(await promtoolCheck('config', join(REPO_ROOT, 'infra/prometheus/prometheus.yml'))).toMatch(/SUCCESS/);
    expect(await promtoolCheck('config', prometheus.configFile)).toMatch(/SUCCESS/);
  });
});

describe('Prometheus against the running stack', () => {
  it('scrapes every service, each with its runtime and process metrics', async () => {
    await waitFor(
      async () => {
        const answer = await prometheus.api<{ data: { activeTargets: Array<{ labels: { job: string }; health: string }> } }>('/api/v1/targets');
        const up = answer.data.activeTargets.filter((t) => t.health === 'up').map((t) => t.labels.job);
        return up.length === Object.keys(stack.urls).length;
      },
      { timeoutMs: 20_000, message: 'every target up' },
    );
    for (const job of Object.keys(stack.urls)) {
      for (const metric of ['process_uptime_seconds', 'process_cpu_time_seconds_total', 'v8js_memory_heap_used_bytes', 'nodejs_eventloop_delay_p99_seconds', 'http_server_request_duration_seconds_count']) {
        expect(hasData(await prometheus.query(`${metric}{job="${job}"}`)), `${metric} of ${job}`).toBe(true);
      }
    }
  });

  it('answers every dashboard panel query with data, for all tenants and sources and for the workload tenant and source', async () => {
    const all = [...filledQueries(ALL), ...filledQueries(DEMO)];
    expect(all.length).toBeGreaterThan(100);
    // Some series appear a few scrapes after the workload (a rate needs two samples): wait for them, then report every query still failing.
    let failing: string[] = [];
    await waitFor(
      async () => {
        failing = [];
        for (const q of all) {
          const answer = await prometheus.query(q.filled);
          if (!hasData(answer)) failing.push(`${q.dashboard} / ${q.panel} [${q.refId}] → ${describeAnswer(answer)}\n    ${q.filled}`);
        }
        return failing.length === 0;
      },
      { timeoutMs: 30_000, intervalMs: 1_000, message: 'every panel query answered with data' },
    ).catch(() => undefined);
    expect(failing).toEqual([]);
  });

  it('lists values for every dashboard variable, the workload tenant and source among them', async () => {
    for (const variable of dashboards.flatMap(variableQueries)) {
      const selector = substitute(variable.selector, { variables: ALL, window: WINDOW });
      const answer = await prometheus.api<{ status: string; data: string[] }>(`/api/v1/label/${variable.label}/values?${new URLSearchParams({ 'match[]': selector })}`);
      expect(answer.status, `${variable.dashboard} $${variable.name}`).toBe('success');
      const expected = DEMO[variable.name as keyof typeof DEMO];
      expect(answer.data, `${variable.dashboard} $${variable.name}`).toContain(expected);
    }
  });

  it('finds every metric a dashboard or an alert names among the series the services export', async () => {
    const exported = new Set((await prometheus.api<{ data: string[] }>('/api/v1/label/__name__/values')).data);
    const named = new Set([
      ...queries.flatMap((q) => metricNames(q.expr)),
      ...dashboards.flatMap(variableQueries).flatMap((v) => metricNames(v.selector)),
      ...ALERT_RULES.flatMap((r) => metricNames(alertExpression(r))),
    ]);
    expect(named.size).toBeGreaterThan(40);
    expect([...named].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('evaluates every alert rule: the expression parses, its probe returns data, the rule loads and runs without error', async () => {
    for (const rule of ALERT_RULES) {
      const expression = await prometheus.query(alertExpression(rule));
      expect(expression.status, `${rule.alert}: ${describeAnswer(expression)}`).toBe('success');
      const probe = await prometheus.query(alertProbe(rule));
      expect(hasData(probe), `${rule.alert} probe → ${describeAnswer(probe)}\n    ${alertProbe(rule)}`).toBe(true);
    }
    const rules = await prometheus.api<{ data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> } }>('/api/v1/rules');
    const loaded = rules.data.groups.flatMap((g) => g.rules);
    expect(loaded.map((r) => r.name).sort()).toEqual(ALERT_RULES.map((r) => r.alert).sort());
    const evaluated = await waitFor(
      async () => {
        const now = (await prometheus.api<{ data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> } }>('/api/v1/rules')).data.groups.flatMap((g) => g.rules);
        return now.every((r) => r.health !== 'unknown') ? now : undefined;
      },
      { message: 'every rule evaluated once', timeoutMs: 10_000 },
    );
    expect(evaluated.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
  });

  it('fires the dead-jobs alert for the job that died', async () => {
    const alert = await waitFor(
      async () => {
        const answer = await prometheus.api<{ data: { alerts: Array<{ labels: { alertname: string; severity: string }; state: string }> } }>('/api/v1/alerts');
        return answer.data.alerts.find((a) => a.labels.alertname === 'FreshetDeadJobs' && a.state === 'firing');
      },
      { timeoutMs: 15_000, message: 'FreshetDeadJobs firing' },
    ).catch(async (error: unknown) => {
      const transitions = await prometheus.query('freshet_scheduler_job_transitions_total{status="dead"}[2m]');
      const alerts = await prometheus.api<unknown>('/api/v1/alerts');
      throw new Error(`${(error as Error).message}\ntransitions: ${JSON.stringify(transitions.data?.result)}\nalerts: ${JSON.stringify(alerts)}`);
    });
    expect(alert.labels.severity).toBe('warning');
    // And the healthy parts are quiet: no service is down.
    const answer = await prometheus.api<{ data: { alerts: Array<{ labels: { alertname: string } }> } }>('/api/v1/alerts');
    expect(answer.data.alerts.filter((a) => a.labels.alertname === 'FreshetServiceDown')).toEqual([]);
  });

  it('keeps made-up tenants and sources out of every label (bounded cardinality)', async () => {
    const series = await prometheus.api<{ status: string; data: Array<Record<string, string>> }>(`/api/v1/series?${new URLSearchParams({ 'match[]': '{__name__=~".+"}', start: String(Date.now() / 1000 - 600) })}`);
    expect(series.status).toBe('success');
    expect(series.data.length).toBeGreaterThan(500);
    const leaked = series.data.filter((labels) => Object.values(labels).some((v) => v.includes(JUNK)));
    expect(leaked).toEqual([]);
    // The workload's own tenant and sources are there by name, where they belong.
    const sources = new Set(series.data.filter((l) => l['__name__'] === 'freshet_sync_jobs_total').map((l) => `${l['tenant']}/${l['source']}`));
    expect([...sources].sort()).toEqual([`${TENANT}/${BROKEN.source}`, `${TENANT}/${MAIN.source}`, `${TENANT}/${THROTTLED.source}`]);
  });
});

describe('scraping through a restart', () => {
  it('loses the cache for a moment, then scrapes the new process: rates see the counter reset, not a drop, and a short restart pages nobody', async () => {
    const before = await prometheus.query('process_uptime_seconds{job="cache"}');
    expect(hasData(before), describeAnswer(before)).toBe(true);
    const uptimeBefore = Number(before.data?.result[0]?.value?.[1]);
    await stack.restart('cache');
    // Prometheus has scraped the new process: its uptime started again.
    await waitFor(
      async () => {
        const now = await prometheus.query('process_uptime_seconds{job="cache"} and on() up{job="cache"} == 1');
        return hasData(now) && Number(now.data?.result[0]?.value?.[1]) < uptimeBefore;
      },
      { timeoutMs: 30_000, intervalMs: 250, message: 'the restarted cache scraped again' },
    );
    // A counter that started again from zero is a reset to rate(), never a negative rate.
    await waitFor(async () => hasData(await prometheus.query('resets(process_cpu_time_seconds_total{job="cache"}[2m]) >= 1')), { timeoutMs: 10_000, message: 'the reset seen' });
    const rate = await prometheus.query(`rate(process_cpu_time_seconds_total{job="cache"}[${WINDOW}])`);
    expect(hasData(rate), describeAnswer(rate)).toBe(true);
    for (const series of rate.data?.result ?? []) expect(Number(series.value?.[1])).toBeGreaterThanOrEqual(0);
    // The cache's panels still answer across the restart.
    for (const query of filledQueries(ALL).filter((q) => q.dashboard === CACHE_DASHBOARD_UID)) {
      const answer = await prometheus.query(query.filled);
      expect(answer.status, `${query.panel}: ${describeAnswer(answer)}`).toBe('success');
    }
    // FreshetServiceDown waits a minute: a restart of seconds may make it pending, never firing.
    const alerts = await prometheus.api<{ data: { alerts: Array<{ labels: { alertname: string }; state: string }> } }>('/api/v1/alerts');
    expect(alerts.data.alerts.filter((a) => a.labels.alertname === 'FreshetServiceDown' && a.state === 'firing')).toEqual([]);
  });
});
