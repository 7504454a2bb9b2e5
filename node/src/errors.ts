// Expected failures: one error type with a closed set of codes, and one table from code to HTTP status.
// Programmer errors are not SwarmErrors; they are assertions (assert.ts) and crash loudly.

export const errorStatus = {
  invalid_json: 400,
  invalid_body: 400,
  invalid_key: 400,
  invalid_query: 400,
  invalid_header: 400,
  unknown_peer: 400,
  unauthorized: 401,
  forbidden: 403,
  route_not_found: 404,
  not_found: 404,
  chaos_disabled: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  misdirected_request: 421,
  internal: 500,
  insufficient_replicas: 503,
  unavailable: 503,
  insufficient_storage: 507,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof errorStatus;

export class SwarmError extends Error {
  readonly code: ErrorCode;
  /** Extra fields merged into the JSON error body, e.g. `{ key }` for not_found. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'SwarmError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorStatus[this.code];
  }

  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.details };
  }
}

export function isSwarmError(error: unknown): error is SwarmError {
  return error instanceof SwarmError;
}
