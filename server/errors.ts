/** Machine-readable error codes; the HTTP status and CLI exit code follow from the code. */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_config: 500,
  invalid_argument: 400,
  not_found: 404,
  conflict: 409,
  unsupported_file: 415,
  db_unavailable: 503,
  /** The LLM endpoint (or another upstream service) failed or sent something unusable. */
  upstream_error: 502,
  upstream_timeout: 504,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one typed error of the app: routes, CLI and tools throw it; one handler renders it. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
