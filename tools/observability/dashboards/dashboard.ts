// A Freshet dashboard: uid, tags, the last hour refreshed every 30 s, variables, then rows
// and panels in order (the SDK lays panels out left to right under each row).
import { DashboardBuilder, DashboardCursorSync, type Dashboard, type QueryVariableBuilder, type RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import type { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

export type Item = RowBuilder | StatBuilder | TimeseriesBuilder;

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: QueryVariableBuilder[];
  items: Item[];
}

function isRow(item: Item): item is RowBuilder {
  return item.build().type === 'row';
}

export function buildDashboard(spec: DashboardSpec): Dashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['freshet'])
    .timezone('browser')
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly()
    .variables(spec.variables);
  let id = 0;
  for (const item of spec.items) {
    if (isRow(item)) builder.withRow(item.id(++id));
    else builder.withPanel(item.id(++id));
  }
  return builder.build();
}
