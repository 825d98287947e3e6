// The bus's OpenTelemetry instruments. Created on demand rather than at import: the
// metrics API has no proxy provider, so an instrument made before the service registers
// its MeterProvider would stay a no-op forever.
import { metrics } from '@opentelemetry/api';
import type { Counter } from '@opentelemetry/api';

export const BUS_METER_NAME = 'freshet-bus';
export const INVALID_MESSAGES_METRIC = 'freshet_bus_invalid_messages_total';

export function invalidMessagesCounter(): Counter<{ stream: string; consumer: string }> {
  return metrics.getMeter(BUS_METER_NAME).createCounter(INVALID_MESSAGES_METRIC, {
    description: 'Messages dropped by a bus consumer because they were not valid JSON or failed their contract schema',
  });
}
