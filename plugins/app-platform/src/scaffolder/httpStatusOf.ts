/** The HTTP status of a failed client call, when the backend answered at all. */
export function httpStatusOf(error: unknown): number | undefined {
  return (error as { response?: { status?: number } })?.response?.status;
}
