// A failure as the page shows it: the client's errors carry the gateway's `{error,
// message}` as `code` and `message` (and the HTTP status); anything else is its message.
export interface Reason {
  code: string;
  message: string;
  status?: number;
}

export function errorReason(error: unknown): Reason {
  if (typeof error === 'object' && error !== null) {
    const { code, message, status } = error as { code?: unknown; message?: unknown; status?: unknown };
    if (typeof message === 'string') {
      return { code: typeof code === 'string' ? code : 'ERROR', message, ...(typeof status === 'number' ? { status } : {}) };
    }
  }
  return { code: 'ERROR', message: String(error) };
}

/** 401: the credential is gone (expired or cleared); the page must ask to sign in again. */
export function isUnauthorized(error: unknown): boolean {
  return errorReason(error).status === 401;
}
