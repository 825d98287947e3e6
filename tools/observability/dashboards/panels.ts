// The few panel shapes Freshet's dashboards use, on the Grafana Foundation SDK: every panel
// and every query names the provisioned Prometheus data source by uid (`prometheus`,
// infra/grafana/provisioning/datasources/prometheus.yml), queries get refIds A, B, …, and
// panels flow left to right, `width` of 24 columns each.
import { QueryVariableBuilder, RowBuilder, ThresholdsConfigBuilder, ThresholdsMode, VariableRefresh, VariableSort, type DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: 'prometheus' };

export interface Query {
  expr: string;
  /** Grafana legend, e.g. `{{tenant}}/{{source}}`. */
  legend?: string;
}

export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  /** Grid columns of 24 (default 12). */
  width?: number;
  height?: number;
}

function targets(queries: Query[]): DataqueryBuilder[] {
  return queries.map((q, i) => {
    const target = new DataqueryBuilder().expr(q.expr).refId(String.fromCharCode(65 + i)).datasource(DATASOURCE);
    return q.legend === undefined ? target : target.legendFormat(q.legend);
  });
}

export function timeseries(spec: PanelSpec): TimeseriesBuilder {
  return new TimeseriesBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .targets(targets(spec.queries))
    .span(spec.width ?? 12)
    .height(spec.height ?? 8)
    .fillOpacity(10)
    .lineWidth(1);
}

/** One number (the last value), red from `red` upwards (or below it with `lowIsBad`). */
export function stat(spec: PanelSpec & { red?: number; lowIsBad?: boolean }): StatBuilder {
  const builder = new StatBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .targets(targets(spec.queries))
    .span(spec.width ?? 6)
    .height(spec.height ?? 4);
  if (spec.red === undefined) return builder;
  const steps = spec.lowIsBad
    ? [{ value: null, color: 'red' }, { value: spec.red, color: 'green' }]
    : [{ value: null, color: 'green' }, { value: spec.red, color: 'red' }];
  return builder.thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps as never));
}

export function row(title: string): RowBuilder {
  return new RowBuilder(title);
}

/** A multi-value variable over one label of one metric, "All" meaning any value (`.*`). */
export function labelVariable(name: string, label: string, metricSelector: string, title: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(title)
    .query(`label_values(${metricSelector}, ${label})`)
    .datasource(DATASOURCE)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all', selected: true } as never)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/** Tenants and sources as ingest's sync jobs know them (the source registry's pairs). */
export const tenantVariable = () => labelVariable('tenant', 'tenant', 'freshet_sync_jobs_total', 'Tenant');
export const sourceVariable = () => labelVariable('source', 'source', 'freshet_sync_jobs_total{tenant=~"$tenant"}', 'Source');

/** Label matchers for the tenant and source variables. */
export const TENANT = 'tenant=~"$tenant"';
export const SOURCE = 'source=~"$source"';
export const TENANT_SOURCE = `${TENANT}, ${SOURCE}`;
