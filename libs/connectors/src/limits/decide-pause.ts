// Pure interpretation of an upstream's backpressure signals: given a response's status
// and headers and the current time, whether every replica should stop calling the
// upstream, until when and why. No I/O and no clock; the guard applies the decision.
import {
  DEFAULT_ESI_ERROR_LIMIT_FLOOR,
  DEFAULT_ESI_FALLBACK_RESET_MS,
  DEFAULT_FALLBACK_429_PAUSE_MS,
  DEFAULT_MAX_PAUSE_MS,
  ESI_ERROR_LIMIT_REMAIN_HEADER,
  ESI_ERROR_LIMIT_RESET_HEADER,
  HTTP_ESI_ERROR_LIMITED,
  HTTP_SERVICE_UNAVAILABLE,
  HTTP_TOO_MANY_REQUESTS,
  RETRY_AFTER_HEADER,
  type PauseReason,
} from './limits.constants';

export interface PauseRules {
  /** Pause when X-ESI-Error-Limit-Remain is at or below this. Default 5. */
  esiErrorLimitFloor?: number;
  /** Upper bound on any pause a response can impose. Default 10 min. */
  maxPauseMs?: number;
  /** Pause after a 429 whose Retry-After is missing or unreadable. Default 10 s. */
  fallback429PauseMs?: number;
  /** Pause after a 420 (or a spent ESI budget) without a usable reset header. Default 60 s. */
  esiFallbackResetMs?: number;
}

export interface PauseDecision {
  untilMs: number;
  reason: PauseReason;
}

const DELAY_SECONDS = /^\d+(\.\d+)?$/;
const NON_NEGATIVE_INTEGER = /^\d+$/;
// IMF-fixdate, RFC 850 and asctime all carry hh:mm:ss; Date.parse alone accepts "-5" or "2".
const HTTP_DATE_TIME = /\d{1,2}:\d{2}:\d{2}/;

/**
 * Retry-After as a delay from `nowMs`: delay-seconds or an HTTP date (a date in the past is
 * a delay of 0). Undefined when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) return Number(text) * 1000;
  if (!HTTP_DATE_TIME.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function parseCount(value: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  return NON_NEGATIVE_INTEGER.test(text) ? Number(text) : undefined;
}

/**
 * What a response says about pausing the upstream for everyone. Among several signals
 * (a 429 that also reports a spent ESI budget) the longest pause wins. A delay of 0
 * ("retry now", a reset that is due) is no pause.
 */
export function decidePause(status: number, headers: Headers, nowMs: number, rules: PauseRules = {}): PauseDecision | undefined {
  const floor = rules.esiErrorLimitFloor ?? DEFAULT_ESI_ERROR_LIMIT_FLOOR;
  const maxPauseMs = rules.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS;
  const fallback429 = rules.fallback429PauseMs ?? DEFAULT_FALLBACK_429_PAUSE_MS;
  const esiFallback = rules.esiFallbackResetMs ?? DEFAULT_ESI_FALLBACK_RESET_MS;

  const retryAfterMs = parseRetryAfterMs(headers.get(RETRY_AFTER_HEADER), nowMs);
  const esiRemain = parseCount(headers.get(ESI_ERROR_LIMIT_REMAIN_HEADER));
  const esiResetSeconds = parseCount(headers.get(ESI_ERROR_LIMIT_RESET_HEADER));
  const esiResetMs = esiResetSeconds === undefined ? undefined : esiResetSeconds * 1000;

  const candidates: Array<{ delayMs: number; reason: PauseReason }> = [];
  if (status === HTTP_TOO_MANY_REQUESTS) {
    candidates.push({ delayMs: retryAfterMs ?? fallback429, reason: 'rate_limited' });
  } else if (status === HTTP_ESI_ERROR_LIMITED) {
    candidates.push({ delayMs: esiResetMs ?? retryAfterMs ?? esiFallback, reason: 'esi_error_limited' });
  } else if (status === HTTP_SERVICE_UNAVAILABLE && retryAfterMs !== undefined) {
    candidates.push({ delayMs: retryAfterMs, reason: 'unavailable' });
  }
  if (esiRemain !== undefined && esiRemain <= floor && status !== HTTP_ESI_ERROR_LIMITED) {
    candidates.push({ delayMs: esiResetMs ?? esiFallback, reason: 'esi_error_budget' });
  }

  let best: { delayMs: number; reason: PauseReason } | undefined;
  for (const candidate of candidates) {
    if (candidate.delayMs > 0 && (best === undefined || candidate.delayMs > best.delayMs)) best = candidate;
  }
  if (best === undefined) return undefined;
  return { untilMs: Math.ceil(nowMs + Math.min(best.delayMs, maxPauseMs)), reason: best.reason };
}
