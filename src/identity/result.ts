/**
 * Expected failures (a mistyped number, a bad name) are values, not exceptions: the dialog turns
 * the error code into a localised re-prompt. Error codes are strings so they can double as the
 * tail of an i18n key.
 */
export type Result<T, E extends string> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E extends string>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
