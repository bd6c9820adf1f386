/** A `metav1.StatusCause` as returned by the Kubernetes API. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** Identifies the object an error is about, mirroring `metav1.StatusDetails`. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/**
 * An API error that serialises to a Kubernetes `Status` object. Handlers throw
 * these and the server turns them into responses, so every failure path
 * produces the shape clients parse (kubectl prints `message`, client-node
 * surfaces the body).
 */
export class StatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: StatusDetails;

  private constructor(
    code: number,
    reason: string,
    message: string,
    details?: StatusDetails,
  ) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  static create(
    code: number,
    reason: string,
    message: string,
    details?: StatusDetails,
  ) {
    return new StatusError(code, reason, message, details);
  }

  static badRequest(message: string) {
    return new StatusError(400, 'BadRequest', message);
  }

  static unauthorized() {
    return new StatusError(401, 'Unauthorized', 'Unauthorized');
  }

  static forbidden(message: string, details?: StatusDetails) {
    return new StatusError(403, 'Forbidden', message, details);
  }

  static notFound(resource: string, group: string, name: string) {
    return new StatusError(
      404,
      'NotFound',
      `${qualified(resource, group)} "${name}" not found`,
      { name, group: group || undefined, kind: resource },
    );
  }

  static routeNotFound(path: string) {
    return new StatusError(
      404,
      'NotFound',
      `the server could not find the requested resource (${path})`,
    );
  }

  static methodNotAllowed(method: string) {
    return new StatusError(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource (${method})`,
    );
  }

  static alreadyExists(resource: string, group: string, name: string) {
    return new StatusError(
      409,
      'AlreadyExists',
      `${qualified(resource, group)} "${name}" already exists`,
      { name, group: group || undefined, kind: resource },
    );
  }

  static conflict(
    resource: string,
    group: string,
    name: string,
    why: string,
    causes?: StatusCause[],
  ) {
    return new StatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(
        resource,
        group,
      )} "${name}": ${why}`,
      { name, group: group || undefined, kind: resource, causes },
    );
  }

  static gone(message: string) {
    return new StatusError(410, 'Expired', message);
  }

  static unsupportedMediaType(contentType: string) {
    return new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType})`,
    );
  }

  /** A request body in a media type the endpoint does not decode. */
  static unsupportedBody(accepted: string[]) {
    return new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(
        ', ',
      )}`,
    );
  }

  static invalid(
    kind: string,
    group: string,
    name: string,
    causes: StatusCause[],
  ) {
    const list = causes.map(c => `${c.field}: ${c.message}`).join(', ');
    return new StatusError(
      422,
      'Invalid',
      `${group ? `${kind}.${group}` : kind} "${name}" is invalid: ${
        causes.length === 1 ? list : `[${list}]`
      }`,
      { name, group: group || undefined, kind, causes },
    );
  }

  static internal(message: string) {
    return new StatusError(500, 'InternalError', message);
  }

  static serviceUnavailable(message: string) {
    return new StatusError(503, 'ServiceUnavailable', message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

function qualified(resource: string, group: string) {
  return group ? `${resource}.${group}` : resource;
}
