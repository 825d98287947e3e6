// Reads and checks provisioned dashboard JSON: every panel's queries, every variable, and
// what Grafana needs to load them cleanly — unique uids (across dashboards) and panel ids,
// every panel and query on the provisioned data source, no panel without a query, no query
// naming a variable the dashboard does not define.

export interface DashboardJson {
  uid?: string;
  title?: string;
  panels?: PanelJson[];
  templating?: { list?: VariableJson[] };
}

interface PanelJson {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ expr?: string; refId?: string; datasource?: { type?: string; uid?: string } }>;
  panels?: PanelJson[];
}

interface VariableJson {
  type?: string;
  name?: string;
  query?: unknown;
  datasource?: { type?: string; uid?: string };
}

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

export interface VariableQuery {
  dashboard: string;
  name: string;
  /** `label_values(<selector>, <label>)` taken apart. */
  selector: string;
  label: string;
}

/** Grafana's own variables, always defined. */
const BUILTIN = new Set(['__rate_interval', '__interval', '__range', '__interval_ms', '__range_s', '__range_ms']);

function panelsOf(dashboard: DashboardJson): PanelJson[] {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

export function panelQueries(dashboard: DashboardJson): PanelQuery[] {
  return panelsOf(dashboard)
    .filter((p) => p.type !== 'row')
    .flatMap((p) => (p.targets ?? []).map((t) => ({ dashboard: dashboard.uid ?? '?', panel: p.title ?? '?', refId: t.refId ?? '', expr: t.expr ?? '' })));
}

export function variableQueries(dashboard: DashboardJson): VariableQuery[] {
  return (dashboard.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => {
      const query = typeof v.query === 'string' ? v.query : String((v.query as { query?: string } | undefined)?.query ?? '');
      const match = /^label_values\((.*),\s*(\w+)\)$/.exec(query.trim());
      if (!match) throw new Error(`${dashboard.uid}: variable ${v.name} is not label_values(<selector>, <label>): ${query}`);
      return { dashboard: dashboard.uid ?? '?', name: v.name ?? '?', selector: match[1]!.trim(), label: match[2]! };
    });
}

/** Every problem found; empty when the dashboards are fine. */
export function checkDashboards(dashboards: Array<{ file: string; json: DashboardJson }>, datasourceUid: string): string[] {
  const problems: string[] = [];
  const uids = new Map<string, string>();
  for (const { file, json } of dashboards) {
    const where = (what: string) => `${file}: ${what}`;
    if (!json.uid) problems.push(where('no uid'));
    else if (uids.has(json.uid)) problems.push(where(`uid ${json.uid} also used by ${uids.get(json.uid)}`));
    else uids.set(json.uid, file);
    if (!json.title) problems.push(where('no title'));

    const defined = new Set((json.templating?.list ?? []).map((v) => v.name ?? ''));
    for (const v of json.templating?.list ?? []) {
      if (v.type === 'query' && v.datasource?.uid !== datasourceUid) problems.push(where(`variable ${v.name} is not on data source ${datasourceUid}`));
    }
    const ids = new Set<number>();
    for (const panel of panelsOf(json)) {
      const name = `panel "${panel.title ?? '?'}"`;
      if (panel.id === undefined || ids.has(panel.id)) problems.push(where(`${name} has a missing or repeated id (${panel.id})`));
      if (panel.id !== undefined) ids.add(panel.id);
      if (panel.type === 'row') continue;
      if (!panel.title) problems.push(where(`a ${panel.type} panel has no title`));
      if (panel.datasource?.uid !== datasourceUid) problems.push(where(`${name} is not on data source ${datasourceUid}`));
      const targets = panel.targets ?? [];
      if (targets.length === 0) problems.push(where(`${name} has no query`));
      const refIds = new Set<string>();
      for (const target of targets) {
        if (!target.expr?.trim()) problems.push(where(`${name} has an empty query`));
        if (!target.refId || refIds.has(target.refId)) problems.push(where(`${name} has a missing or repeated refId (${target.refId})`));
        refIds.add(target.refId ?? '');
        if (target.datasource !== undefined && target.datasource.uid !== datasourceUid) problems.push(where(`${name} query ${target.refId} is not on data source ${datasourceUid}`));
        for (const m of (target.expr ?? '').matchAll(/\$\{?(\w+)\}?/g)) {
          if (!BUILTIN.has(m[1]!) && !defined.has(m[1]!)) problems.push(where(`${name} uses $${m[1]}, which the dashboard does not define`));
        }
      }
    }
  }
  return problems;
}
