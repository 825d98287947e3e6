// The freshness SLO, shared by the overview dashboard and the alert that guards it: 99% of
// content events reach the browser within 10 s of their upstream fetch
// (`freshet_gateway_data_age_seconds`, measured by each gateway when it writes the event).
export const FRESHNESS_SLO = { seconds: 10, target: 0.99 } as const;

/**
 * The histogram bucket of the SLO bound. Prometheus 2 stores `le="10"` as exported,
 * Prometheus 3 normalizes it to `le="10.0"`: the matcher takes both (a raw-string regex).
 */
export const SLO_BUCKET = `le=~\`${FRESHNESS_SLO.seconds}(\\.0)?\``;
