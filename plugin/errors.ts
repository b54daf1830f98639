// Errors carry a category; the one top-level handler turns it into an exit code and a message,
// so no user ever sees a stack trace for a mistake they can fix.

export type ErrorCategory = 'user' | 'config' | 'cluster' | 'internal';

/** Exit codes per category; documented in the README. */
export const exitCodes: Record<ErrorCategory, number> = {
  internal: 1,
  user: 2,
  config: 3,
  cluster: 4,
};

export class InterceptError extends Error {
  constructor(
    readonly category: ErrorCategory,
    message: string,
    /** What the user can do about it; printed on its own line. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InterceptError';
  }
}

export function userError(message: string, hint?: string): InterceptError {
  return new InterceptError('user', message, hint);
}

export function configError(message: string, hint?: string): InterceptError {
  return new InterceptError('config', message, hint);
}

export function clusterError(message: string, hint?: string, cause?: unknown): InterceptError {
  return new InterceptError('cluster', message, hint, { cause });
}

/** The text printed for any thrown value: one line plus an optional hint, never a stack for known errors. */
export function describeError(err: unknown): { message: string; hint?: string; exitCode: number; stack?: string } {
  if (err instanceof InterceptError) {
    return { message: err.message, hint: err.hint, exitCode: exitCodes[err.category] };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    message: `internal error: ${message}`,
    hint: 'this is a bug in kubectl-intercept; run again with KUBECTL_INTERCEPT_DEBUG=1 for details and report it',
    exitCode: exitCodes.internal,
    stack: err instanceof Error ? err.stack : undefined,
  };
}
