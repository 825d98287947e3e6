import { describe, expect, it } from 'vitest';
import { ConfigError } from '@freshet/config';
import { endpointForLogs, tracingSettings } from './tracing-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    tracingSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('tracing settings', () => {
  it('exports nothing when no endpoint is set (not even to the SDK default localhost:4318)', () => {
    expect(tracingSettings({})).toEqual({ export: false, why: 'no-endpoint', sampler: { name: 'parentbased_always_on', ratio: 1 } });
    // Empty means unset, as for every other variable.
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toMatchObject({ export: false, why: 'no-endpoint' });
  });

  it('appends /v1/traces to the base endpoint, and takes the traces endpoint as it is', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toMatchObject({ export: true, endpoint: 'http://collector:4318/v1/traces' });
    expect(
      tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp/spans' }),
    ).toMatchObject({ export: true, endpoint: 'https://traces.example.com/otlp/spans' });
  });

  it('is off when the SDK is disabled or the exporter is none, endpoint or not', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(tracingSettings({ ...endpoint, OTEL_SDK_DISABLED: 'TRUE' })).toMatchObject({ export: false, why: 'disabled' });
    expect(tracingSettings({ ...endpoint, OTEL_SDK_DISABLED: 'false' })).toMatchObject({ export: true });
    expect(tracingSettings({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toMatchObject({ export: false, why: 'exporter-none' });
  });

  it('reads the sampler and its ratio', () => {
    expect(tracingSettings({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 });
    expect(tracingSettings({ OTEL_TRACES_SAMPLER: 'traceidratio' }).sampler).toEqual({ name: 'traceidratio', ratio: 1 });
    // The argument means nothing to the other samplers (the spec says: ignore it).
    expect(tracingSettings({ OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_SAMPLER_ARG: 'whatever' }).sampler).toEqual({ name: 'always_off', ratio: 1 });
  });

  it('takes the batch, timeout and shutdown settings', () => {
    const settings = tracingSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '3000',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      FRESHET_TRACING_SHUTDOWN_MS: '750',
    });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TIMEOUT: '5000' })).toMatchObject({ exportTimeoutMs: 5000 });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toMatchObject({ exportTimeoutMs: 10_000, shutdownTimeoutMs: 2_000 });
    expect(settings).toMatchObject({ export: true, exportTimeoutMs: 3000, shutdownTimeoutMs: 750, batch: { scheduledDelayMillis: 100, maxQueueSize: 2048, maxExportBatchSize: 512 } });
  });

  it('names every bad variable in one error', () => {
    const problems = problemsOf({
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '1.5',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_SDK_DISABLED: 'yes',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/),
        expect.stringMatching(/^OTEL_EXPORTER_OTLP_PROTOCOL: only http\/json is supported/),
        expect.stringMatching(/^OTEL_SDK_DISABLED: must be true or false/),
      ]),
    );
    // Refinements run once the fields themselves are valid.
    expect(problemsOf({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' })).toEqual([
      'OTEL_TRACES_SAMPLER_ARG: must be a number from 0 to 1 for parentbased_traceidratio (got "1.5")',
    ]);
    expect(problemsOf({ OTEL_TRACES_SAMPLER: 'jaeger_remote' })[0]).toMatch(/^OTEL_TRACES_SAMPLER: .*parentbased_traceidratio/);
  });

  it('logs an endpoint as its origin only', () => {
    expect(endpointForLogs('https://user:secret@traces.example.com:4318/v1/traces?api_key=k')).toBe('https://traces.example.com:4318');
  });
});
