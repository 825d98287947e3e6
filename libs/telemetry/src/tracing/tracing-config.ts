// Which tracing a process runs, decided from the standard OpenTelemetry variables (plus two
// of Freshet's) before anything is started. Pure: the environment in, settings out, or one
// ConfigError naming every bad variable.
//
// One deliberate difference from the OpenTelemetry defaults: without an endpoint nothing
// is exported (the SDK would send to http://localhost:4318). A service that nobody set up
// tracing for must not try to reach a collector that is not there.
import { z } from 'zod';
import { loadConfig } from '@freshet/config';

export const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export interface SamplerSetting {
  name: SamplerName;
  /** The share of new traces kept, for the *traceidratio samplers (1 otherwise). */
  ratio: number;
}

export interface BatchSettings {
  scheduledDelayMillis: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
  exportTimeoutMillis: number;
}

export type TracingSettings =
  | { export: false; why: 'disabled' | 'no-endpoint' | 'exporter-none'; sampler: SamplerSetting }
  | {
      export: true;
      /** Full URL of the traces endpoint (…/v1/traces). */
      endpoint: string;
      sampler: SamplerSetting;
      /** One export request, retries included. */
      exportTimeoutMs: number;
      batch: BatchSettings;
      /** How long a shutdown may wait for the last export before giving up on it. */
      shutdownTimeoutMs: number;
      /** Export failures are logged at most once per interval. */
      errorLogIntervalMs: number;
    };

const duration = z.coerce.number().int().min(0).max(600_000);
const ms = (fallback: number) => duration.default(fallback);
const count = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);
const flag = z
  .string()
  .regex(/^(true|false)$/i, 'must be true or false')
  .transform((value) => value.toLowerCase() === 'true');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
// The installed exporter speaks OTLP over HTTP with JSON bodies, nothing else.
const protocol = z.literal('http/json', { error: 'only http/json is supported (the exporter sends OTLP/HTTP with JSON bodies)' });

export const tracingEnvSchema = z
  .object({
    OTEL_SDK_DISABLED: flag.default(false),
    OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).default('otlp'),
    OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol.optional(),
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol.optional(),
    OTEL_EXPORTER_OTLP_TIMEOUT: ms(10_000),
    OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: duration.optional(),
    OTEL_TRACES_SAMPLER: z.enum(SAMPLERS).default('parentbased_always_on'),
    OTEL_TRACES_SAMPLER_ARG: z.string().optional(),
    OTEL_BSP_SCHEDULE_DELAY: ms(5_000),
    OTEL_BSP_MAX_QUEUE_SIZE: count(2_048),
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: count(512),
    OTEL_BSP_EXPORT_TIMEOUT: ms(30_000),
    FRESHET_TRACING_SHUTDOWN_MS: ms(2_000),
    FRESHET_TRACING_ERROR_LOG_INTERVAL_MS: ms(60_000),
  })
  .superRefine((env, ctx) => {
    if (env.OTEL_TRACES_SAMPLER.endsWith('traceidratio') && env.OTEL_TRACES_SAMPLER_ARG !== undefined && ratioOf(env.OTEL_TRACES_SAMPLER_ARG) === undefined) {
      ctx.addIssue({ code: 'custom', path: ['OTEL_TRACES_SAMPLER_ARG'], message: `must be a number from 0 to 1 for ${env.OTEL_TRACES_SAMPLER}` });
    }
    if (env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE > env.OTEL_BSP_MAX_QUEUE_SIZE) {
      ctx.addIssue({ code: 'custom', path: ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE'], message: 'must not be larger than OTEL_BSP_MAX_QUEUE_SIZE' });
    }
  });

function ratioOf(text: string): number | undefined {
  if (!/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(text)) return undefined;
  const ratio = Number(text);
  return ratio >= 0 && ratio <= 1 ? ratio : undefined;
}

/** `OTEL_EXPORTER_OTLP_ENDPOINT` is a base: the signal's path is appended (the spec's rule). */
function tracesUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

export function tracingSettings(env: Record<string, string | undefined>): TracingSettings {
  const parsed = loadConfig('tracing', tracingEnvSchema, env);
  const sampler: SamplerSetting = {
    name: parsed.OTEL_TRACES_SAMPLER,
    ratio: parsed.OTEL_TRACES_SAMPLER.endsWith('traceidratio') && parsed.OTEL_TRACES_SAMPLER_ARG !== undefined ? (ratioOf(parsed.OTEL_TRACES_SAMPLER_ARG) ?? 1) : 1,
  };
  if (parsed.OTEL_SDK_DISABLED) return { export: false, why: 'disabled', sampler };
  if (parsed.OTEL_TRACES_EXPORTER === 'none') return { export: false, why: 'exporter-none', sampler };
  const endpoint =
    parsed.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (parsed.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? undefined : tracesUrl(parsed.OTEL_EXPORTER_OTLP_ENDPOINT));
  if (endpoint === undefined) return { export: false, why: 'no-endpoint', sampler };
  return {
    export: true,
    endpoint,
    sampler,
    exportTimeoutMs: parsed.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? parsed.OTEL_EXPORTER_OTLP_TIMEOUT,
    batch: {
      scheduledDelayMillis: parsed.OTEL_BSP_SCHEDULE_DELAY,
      maxQueueSize: parsed.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: parsed.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
      exportTimeoutMillis: parsed.OTEL_BSP_EXPORT_TIMEOUT,
    },
    shutdownTimeoutMs: parsed.FRESHET_TRACING_SHUTDOWN_MS,
    errorLogIntervalMs: parsed.FRESHET_TRACING_ERROR_LOG_INTERVAL_MS,
  };
}

/** Where spans go, as it may be logged: scheme, host and port only (no credentials, path or query). */
export function endpointForLogs(endpoint: string): string {
  return new URL(endpoint).origin;
}
