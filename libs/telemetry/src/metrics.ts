// OpenTelemetry metrics for a service, exposed in Prometheus text format on the
// service's own HTTP server (no separate exporter port to open in production).
import { metrics, type Meter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';

export interface ServiceMetrics {
  meter: Meter;
  exporter: PrometheusExporter;
  shutdown(): Promise<void>;
}

export function createServiceMetrics(service: string): ServiceMetrics {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    readers: [exporter],
  });
  // Libraries (bus, event-store) take their meters from the global provider.
  metrics.setGlobalMeterProvider(provider);
  return {
    meter: provider.getMeter(service),
    exporter,
    shutdown: () => provider.shutdown(),
  };
}
