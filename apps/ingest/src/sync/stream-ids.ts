// Event-store stream ids. ':' cannot appear in a tenant or source token, so the
// joined id is unambiguous.
export const contentStreamId = (tenant: string, source: string): string => `content:${tenant}:${source}`;
export const jobStreamId = (jobId: string): string => `job:${jobId}`;
