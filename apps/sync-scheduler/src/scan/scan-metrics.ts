// The scan's gauges: how many sources gateways stream now (the demand signal), as the
// replica holding the scan lease last read it. Other replicas do not read it and report
// nothing, so a sum over replicas is the count.
import type { Meter } from '@opentelemetry/api';
import type { ScanStatus } from './scan-loop';

export function observeScanMetrics(meter: Meter, status: () => ScanStatus): void {
  const watched = meter.createObservableGauge('freshet_scheduler_watched_sources', {
    description: 'Sources with a live gateway stream (demand signal), as the scan lease holder last read it',
  });
  watched.addCallback((result) => {
    const { leaseHeld, demand } = status();
    if (leaseHeld && demand?.watched != null) result.observe(demand.watched);
  });
}
