import { AuthenticationError } from '@backstage/errors';
import {
  CiBuild,
  CiProvider,
  CiRequest,
} from '@internal/plugin-app-platform-node';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { objectBody, stringField } from './payloadFields';

export const GENERIC_SIGNATURE_HEADER = 'x-app-platform-signature';
export const GENERIC_TIMESTAMP_HEADER = 'x-app-platform-timestamp';

/** How far a request's timestamp may be from now: older ones are replays. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * The signature of a generic webhook: `sha256=` and the hex HMAC-SHA256 of
 * `<timestamp>.<body>` with the SHA-256 of the webhook secret as key. (The
 * key is the secret's hash so that the platform stores no secret; a CI
 * script computes it with `sha256sum`, see the README.)
 */
export function genericSignature(
  secretHash: Buffer,
  timestamp: string,
  rawBody: Buffer,
): string {
  const hmac = createHmac('sha256', secretHash);
  hmac.update(`${timestamp}.`);
  hmac.update(rawBody);
  return `sha256=${hmac.digest('hex')}`;
}

/**
 * `generic`: a documented JSON body for any CI system that can run `curl`:
 * `{ application, service, image, build, commit?, url? }`, signed in
 * `X-App-Platform-Signature` over `X-App-Platform-Timestamp` (Unix seconds)
 * and the body. A timestamp more than five minutes off is refused, so a
 * captured request cannot be replayed later; within those minutes a replay
 * is the same build, which the platform records once.
 */
export class GenericCiProvider implements CiProvider {
  readonly id = 'generic';

  serviceOf(request: CiRequest) {
    const body = objectBody(request.body);
    return {
      application: stringField(body.application, 'application', {
        required: true,
        maxLength: 63,
      }),
      service: stringField(body.service, 'service', {
        required: true,
        maxLength: 63,
      }),
    };
  }

  verify(request: CiRequest, secretHash: Buffer, now: Date): void {
    const timestamp = request.headers[GENERIC_TIMESTAMP_HEADER];
    const signature = request.headers[GENERIC_SIGNATURE_HEADER];
    if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) {
      throw new AuthenticationError(
        `${GENERIC_TIMESTAMP_HEADER} (Unix seconds) and ${GENERIC_SIGNATURE_HEADER} are required`,
      );
    }
    const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
    if (skew > MAX_CLOCK_SKEW_SECONDS) {
      throw new AuthenticationError(
        `${GENERIC_TIMESTAMP_HEADER} is ${Math.round(
          skew,
        )} s from now; at most ${MAX_CLOCK_SKEW_SECONDS} s are accepted`,
      );
    }
    const expected = Buffer.from(
      genericSignature(secretHash, timestamp, request.rawBody),
    );
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AuthenticationError(
        `${GENERIC_SIGNATURE_HEADER} does not match the service's webhook secret`,
      );
    }
  }

  buildOf(request: CiRequest): CiBuild {
    const body = objectBody(request.body);
    return {
      buildId: stringField(body.build, 'build', {
        required: true,
        maxLength: 255,
      }),
      image: stringField(body.image, 'image', {
        required: true,
        maxLength: 512,
      }),
      commit: stringField(body.commit, 'commit', { maxLength: 64 }),
      url: stringField(body.url, 'url', { maxLength: 1024 }),
    };
  }
}
