// Dashboards and alert rules as code: the committed files are exactly what the code
// generates, the dashboards load cleanly in Grafana (uids, data source, queries,
// variables), the alert rules carry what an on-call person needs, and every metric they
// use is documented. (Whether the queries return data from the real services is
// prometheus.e2e.spec.ts.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALERT_RULES, ALERT_RULES_FILE, alertExpression, alertProbe } from './alerts';
import { checkDashboards, panelQueries, variableQueries, type DashboardJson } from './dashboard-checks';
import { DASHBOARDS } from './dashboards/index';
import { DASHBOARDS_DIR, generatedFiles, REPO_ROOT } from './generate';
import { metricNames, substitute } from './promql';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const provisionedUid = (): string =>
  (parse(read('infra/grafana/provisioning/datasources/prometheus.yml')) as { datasources: Array<{ type: string; uid: string }> }).datasources.find((d) => d.type === 'prometheus')!.uid;
const committedDashboards = () =>
  readdirSync(join(REPO_ROOT, DASHBOARDS_DIR))
    .filter((f) => f.endsWith('.json'))
    .map((file) => ({ file, json: JSON.parse(read(`${DASHBOARDS_DIR}/${file}`)) as DashboardJson }));

describe('generated files', () => {
  it.each([...generatedFiles()].map(([path, content]) => [path, content]))('%s is committed as generated (run `npm run dashboards`)', (path, content) => {
    expect(read(path), `${path} differs from what tools/observability generates: run npm run dashboards`).toBe(content);
  });

  it('leaves no dashboard JSON in the provisioned folder that the code does not generate', () => {
    expect(committedDashboards().map((d) => d.file).sort()).toEqual(DASHBOARDS.map((d) => d.file).sort());
  });
});

describe('dashboards', () => {
  it('load cleanly: unique uids and panel ids, the provisioned data source everywhere, a query in every panel, only defined variables', () => {
    expect(checkDashboards(committedDashboards(), provisionedUid())).toEqual([]);
  });

  it('cover the overview, upstreams and sync, queue, cache, gateway and runtime, with tenant and source variables', () => {
    const byUid = new Map(committedDashboards().map((d) => [d.json.uid, d.json]));
    expect([...byUid.keys()].sort()).toEqual(['freshet-cache', 'freshet-gateway', 'freshet-overview', 'freshet-queue', 'freshet-runtime', 'freshet-upstreams']);
    for (const uid of ['freshet-overview', 'freshet-upstreams', 'freshet-gateway']) {
      expect(variableQueries(byUid.get(uid)!).map((v) => v.name), uid).toEqual(['tenant', 'source']);
    }
    expect(variableQueries(byUid.get('freshet-cache')!).map((v) => v.name)).toEqual(['tenant']);
    // The overview shows the freshness SLO first.
    expect(panelQueries(byUid.get('freshet-overview')!)[0]!.expr).toContain('freshet_gateway_data_age_seconds_bucket');
  });

  it('the checks catch what breaks a dashboard (they can fail)', () => {
    const good = committedDashboards()[0]!;
    const broken = structuredClone(good.json) as DashboardJson & { panels: Array<Record<string, unknown>> };
    const panel = broken.panels.find((p) => p['type'] !== 'row')!;
    panel['targets'] = [];
    broken.panels.find((p, i) => p['type'] !== 'row' && i > broken.panels.indexOf(panel))!['datasource'] = { type: 'prometheus', uid: 'elsewhere' };
    const problems = checkDashboards([good, { file: 'copy.json', json: broken }], provisionedUid());
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/copy\.json: uid .* also used by/),
        expect.stringMatching(/copy\.json: panel ".*" has no query/),
        expect.stringMatching(/copy\.json: panel ".*" is not on data source prometheus/),
      ]),
    );
    const undefinedVariable = structuredClone(good.json) as DashboardJson;
    undefinedVariable.uid = 'other';
    undefinedVariable.templating = { list: [] };
    expect(checkDashboards([{ file: 'vars.json', json: undefinedVariable }], provisionedUid()).join('\n')).toMatch(/uses \$tenant, which the dashboard does not define/);
  });
});

describe('alert rules', () => {
  const file = parse(read(ALERT_RULES_FILE)) as { groups: Array<{ rules: Array<{ alert: string; expr: string; for?: string; labels?: { severity?: string }; annotations?: Record<string, string> }> }> };
  const rules = file.groups.flatMap((g) => g.rules);

  it('cover dead jobs, the freshness SLO, 429 storms, consumer lag, SSE drops and a service down', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['FreshetDeadJobs', 'FreshetFreshnessSLOBreached', 'FreshetUpstream429Storm', 'FreshetConsumerLagGrowing', 'FreshetSSEDropsSpiking', 'FreshetServiceDown']),
    );
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('each has a `for`, a severity and a summary and description', () => {
    for (const rule of rules) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.['summary']?.length, rule.alert).toBeGreaterThan(10);
      expect(rule.annotations?.['description']?.length, rule.alert).toBeGreaterThan(40);
    }
  });

  it('probe the same expression with `bool` comparisons, nothing else changed', () => {
    for (const rule of ALERT_RULES) {
      const probe = alertProbe(rule);
      expect(probe.replace(/ bool /g, ' ')).toBe(alertExpression(rule));
      expect(probe.match(/ bool /g)).toHaveLength(rule.conditions.length);
    }
  });
});

describe('metric names in queries', () => {
  it.each([
    ['sum by (le, tenant) (rate(freshet_gateway_data_age_seconds_bucket{tenant=~"a|b", le=~`10(\\.0)?`}[5m]))', ['freshet_gateway_data_age_seconds_bucket']],
    ['count(up == 0) or vector(0)', ['up']],
    ['max by (job) (deriv(x_total[10m])) > 0 and max by (job) (y) > 1e3', ['x_total', 'y']],
    ['a / on(job) group_left(instance) b offset 5m', ['a', 'b']],
    ['histogram_quantile(0.99, sum without (instance) (rate(h_bucket{job="gateway"}[$__rate_interval])))', ['h_bucket']],
  ])('%s', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });

  it('fills Grafana variables and windows, and refuses an unknown variable', () => {
    expect(substitute('rate(x{tenant=~"$tenant", source=~"${source}"}[$__rate_interval]) / y[$__range]', { variables: { tenant: 'acme', source: '.*' }, window: '15s' })).toBe(
      'rate(x{tenant=~"acme", source=~".*"}[15s]) / y[15s]',
    );
    expect(() => substitute('x{a="$nope"}', { variables: {}, window: '1m' })).toThrow(/\$nope/);
  });

  it('every metric a dashboard or alert uses is documented in docs/observability.md', () => {
    const docs = read('docs/observability.md');
    const used = new Set([
      ...committedDashboards().flatMap((d) => [...panelQueries(d.json).map((q) => q.expr), ...variableQueries(d.json).map((v) => v.selector)]).flatMap(metricNames),
      ...ALERT_RULES.flatMap((r) => metricNames(alertExpression(r))),
    ]);
    const base = (name: string) => name.replace(/_(bucket|count|sum)$/, '');
    const missing = [...used].filter((name) => name !== 'up' && !docs.includes(`\`${base(name)}`));
    expect(missing).toEqual([]);
  });
});
