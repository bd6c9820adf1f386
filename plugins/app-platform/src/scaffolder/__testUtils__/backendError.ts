/** An error answer in the backend's format, which the client turns into a ResponseError. */
export const backendError = (status: number, message: string) => () =>
  new Response(
    JSON.stringify({
      error: { name: 'Error', message },
      response: { statusCode: status },
    }),
    { status, headers: { 'content-type': 'application/json' } },
  );
