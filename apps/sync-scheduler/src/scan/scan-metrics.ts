// The scan's gauges: how many sources gateways stream now (the demand signal), as the
// replica holding the scan lease last read it, and how many sources its last scan held
// back because their jobs keep dying (the dead-job backoff). Other replicas do not scan
// and report nothing, so a sum over replicas is the count.
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
  const backedOff = meter.createObservableGauge('freshet_scheduler_backed_off_sources', {
    description: 'Sources the last background scan did not queue because their jobs keep dying (dead-job backoff), as the scan lease holder saw it',
  });
  backedOff.addCallback((result) => {
    const { leaseHeld, lastScan } = status();
    if (leaseHeld && lastScan) result.observe(lastScan.backedOff);
  });
}
