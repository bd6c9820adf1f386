/**
 * The message to show for a failed API call: the backend's own message (it
 * names the field or the conflict) rather than the HTTP status line that
 * `ResponseError` puts first.
 */
export function describeError(error: unknown): string {
  const e = error as {
    body?: { error?: { message?: string } };
    message?: string;
  };
  return e?.body?.error?.message ?? e?.message ?? String(error);
}
