import { describe, expect, it } from 'vitest';
import { prometheusName } from './prometheus-name';

describe('prometheusName', () => {
  it.each([
    ['nodejs.eventloop.delay.p99', 's', 'nodejs_eventloop_delay_p99_seconds'],
    ['v8js.memory.heap.used', 'By', 'v8js_memory_heap_used_bytes'],
    ['nodejs.eventloop.utilization', '1', 'nodejs_eventloop_utilization_ratio'],
    ['v8js.resource.active', '{resource}', 'v8js_resource_active'],
    ['messaging.process.duration', 's', 'messaging_process_duration_seconds'],
    ['messaging.client.consumed.messages', '{message}', 'messaging_client_consumed_messages'],
    ['process.cpu.time', 's', 'process_cpu_time_seconds'],
    ['process.uptime', '', 'process_uptime'],
  ])('%s [%s] → %s', (name, unit, expected) => {
    expect(prometheusName(name, unit)).toBe(expected);
  });

  it('does not repeat a unit the name already ends with', () => {
    expect(prometheusName('http_server_request_duration_seconds', 's')).toBe('http_server_request_duration_seconds');
  });

  it('replaces characters Prometheus names cannot hold', () => {
    expect(prometheusName('a-b..c/d', 'By')).toBe('a_b_c_d_bytes');
  });
});
