// Every literal of the upstream protection layer, defined once: the response headers it
// reads, the names of its metrics and its defaults. Redis keys are built in
// upstream-keys.ts.

/** Standard HTTP: seconds or an HTTP date after which the client may retry. */
export const RETRY_AFTER_HEADER = 'retry-after';
/** EVE Swagger Interface: errors this client may still make in the current window. */
export const ESI_ERROR_LIMIT_REMAIN_HEADER = 'x-esi-error-limit-remain';
/** EVE Swagger Interface: seconds until the error window resets. */
export const ESI_ERROR_LIMIT_RESET_HEADER = 'x-esi-error-limit-reset';

/** Too Many Requests. */
export const HTTP_TOO_MANY_REQUESTS = 429;
/** ESI's "error limited": the error budget is spent; every request fails until the reset. */
export const HTTP_ESI_ERROR_LIMITED = 420;
/** Service Unavailable; honoured only when it carries a Retry-After. */
export const HTTP_SERVICE_UNAVAILABLE = 503;

export const CONNECTORS_METER_NAME = 'freshet-connectors';
export const THROTTLE_WAITS_METRIC = 'freshet_upstream_throttle_waits_total';
export const THROTTLE_WAIT_SECONDS_METRIC = 'freshet_upstream_throttle_wait_seconds';
export const PAUSES_METRIC = 'freshet_upstream_pauses_total';
export const CIRCUIT_OPEN_METRIC = 'freshet_upstream_circuit_open_total';

/** Why a pause was recorded, as decided from a response. */
export const PAUSE_REASONS = ['rate_limited', 'esi_error_limited', 'esi_error_budget', 'unavailable'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/** Why an `acquire` had to wait (the `reason` attribute of the waits counter). */
export const WAIT_REASONS = ['paused', 'upstream_rate', 'credential_rate', 'page_delay'] as const;
export type WaitReason = (typeof WAIT_REASONS)[number];

export const DEFAULT_BURST = 1;
export const DEFAULT_ESI_ERROR_LIMIT_FLOOR = 5;
/** Longest pause a response can impose; a broken or hostile Retry-After cannot park us for days. */
export const DEFAULT_MAX_PAUSE_MS = 10 * 60_000;
/** A 429 without a usable Retry-After. */
export const DEFAULT_FALLBACK_429_PAUSE_MS = 10_000;
/** ESI's error window is 60 s; used when a 420 or a spent budget comes without a reset header. */
export const DEFAULT_ESI_FALLBACK_RESET_MS = 60_000;
export const DEFAULT_CIRCUIT_CONSECUTIVE_FAILURES = 5;
export const DEFAULT_CIRCUIT_HALF_OPEN_AFTER_MS = 30_000;
/** A waiter re-reads the shared state at least this often, so a pause lifted by hand is noticed. */
export const MAX_SINGLE_WAIT_MS = 5_000;
/** A pause key outlives its end by this much, so Redis's clock running ahead of ours cannot end it early. */
export const PAUSE_KEY_GRACE_MS = 60_000;
