// Every provisioned dashboard and the file it is generated into (infra/grafana/dashboards/).
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { cacheDashboard } from './cache';
import { gatewayDashboard } from './gateway';
import { overviewDashboard } from './overview';
import { queueDashboard } from './queue';
import { runtimeDashboard } from './runtime';
import { upstreamsDashboard } from './upstreams';

export const DASHBOARDS: ReadonlyArray<{ file: string; build: () => Dashboard }> = [
  { file: 'overview.json', build: overviewDashboard },
  { file: 'upstreams.json', build: upstreamsDashboard },
  { file: 'queue.json', build: queueDashboard },
  { file: 'cache.json', build: cacheDashboard },
  { file: 'gateway.json', build: gatewayDashboard },
  { file: 'runtime.json', build: runtimeDashboard },
];
