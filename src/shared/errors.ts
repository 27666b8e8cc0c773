/**
 * One error type for the whole application. Every failure a user can cause is an AppError with a
 * code from this closed union; the HTTP and CLI doors render it in the user's language through the
 * i18n key `errors:<code>`. Details never carry SQL, stack traces or identifying values.
 */
export const errorCodes = [
  'validation', // input failed a schema; `issues` names each field
  'not_found', // absent, or present but not visible to this actor (the two are indistinguishable)
  'conflict', // stale version; `details.current` carries the stored version
  'forbidden', // authenticated but the policy denies the action
  'unauthenticated',
  'csrf',
  'rate_limited',
  'unknown_code', // a vocabulary code that does not exist
  'invalid_state', // a transition not allowed from the current state
  'too_large',
  'insufficient_storage', // the server's disk is full: nothing was stored
  'unsupported_media',
  'config', // the environment is wrong (lists all problems)
  'unavailable', // a dependency (database, data folder) cannot be used
  'locked', // the organisation is locked down
  'timeout', // a query exceeded its statement timeout
  'bad_input', // a file or argument that cannot be used; `details` say where and why
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** One problem with one field: a JSON path (or CSV line/column) and an i18n message key with values. */
export interface FieldIssue {
  path: (string | number)[];
  key: string;
  values?: Record<string, string | number>;
  /** Already-rendered text, when the issue comes from a library with its own messages (zod). */
  message?: string;
}

const httpStatus: Record<ErrorCode, number> = {
  validation: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  csrf: 403,
  rate_limited: 429,
  unknown_code: 422,
  invalid_state: 409,
  too_large: 413,
  insufficient_storage: 507,
  unsupported_media: 415,
  config: 500,
  unavailable: 503,
  locked: 423,
  timeout: 503,
  bad_input: 400,
  internal: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];
  readonly details: Record<string, unknown>;
  readonly values: Record<string, string | number>;

  constructor(
    code: ErrorCode,
    opts: {
      issues?: FieldIssue[];
      details?: Record<string, unknown>;
      values?: Record<string, string | number>;
      message?: string;
      cause?: unknown;
    } = {},
  ) {
    super(opts.message ?? code, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.issues = opts.issues ?? [];
    this.details = opts.details ?? {};
    this.values = opts.values ?? {};
  }

  get status(): number {
    return httpStatus[this.code];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
