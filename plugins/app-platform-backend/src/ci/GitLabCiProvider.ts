import { AuthenticationError, InputError } from '@backstage/errors';
import {
  CiBuild,
  CiProvider,
  CiRequest,
} from '@internal/plugin-app-platform-node';
import { createHash, timingSafeEqual } from 'node:crypto';
import { objectBody, stringField } from './payloadFields';

export const GITLAB_TOKEN_HEADER = 'x-gitlab-token';
export const GITLAB_EVENT_HEADER = 'x-gitlab-event';

/**
 * `gitlab`: GitLab's pipeline events ("Pipeline Hook"), as a project webhook
 * sends them. GitLab authenticates a webhook with its secret token in
 * `X-Gitlab-Token`; the platform compares its SHA-256 with the stored hash.
 * The payload names no service and no image, so the webhook URL carries
 * `?application=&service=`, and a successful **tag** pipeline's image is the
 * service's image repository with the tag (`registry/shop/web:v1.2.0`).
 * Other events, pipelines that did not succeed and branch pipelines are
 * acknowledged and ignored.
 */
export class GitLabCiProvider implements CiProvider {
  readonly id = 'gitlab';

  serviceOf(request: CiRequest) {
    return {
      application: stringField(request.query.application, 'application', {
        required: true,
        maxLength: 63,
      }),
      service: stringField(request.query.service, 'service', {
        required: true,
        maxLength: 63,
      }),
    };
  }

  verify(request: CiRequest, secretHash: Buffer): void {
    const token = request.headers[GITLAB_TOKEN_HEADER];
    if (!token) {
      throw new AuthenticationError(`${GITLAB_TOKEN_HEADER} is required`);
    }
    const given = createHash('sha256').update(token, 'utf8').digest();
    if (!timingSafeEqual(given, secretHash)) {
      throw new AuthenticationError(
        `${GITLAB_TOKEN_HEADER} is not the service's webhook secret`,
      );
    }
  }

  buildOf(request: CiRequest): CiBuild | undefined {
    if (request.headers[GITLAB_EVENT_HEADER] !== 'Pipeline Hook') {
      return undefined;
    }
    const body = objectBody(request.body);
    if (body.object_kind !== 'pipeline') return undefined;
    const attributes = objectBody(body.object_attributes ?? null);
    if (attributes.status !== 'success' || attributes.tag !== true) {
      return undefined;
    }
    const id = attributes.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
      throw new InputError('object_attributes.id: must be an integer');
    }
    const project =
      typeof body.project === 'object' && body.project !== null
        ? (body.project as Record<string, unknown>)
        : {};
    const webUrl = stringField(project.web_url, 'project.web_url', {
      maxLength: 900,
    });
    return {
      buildId: `pipeline-${id}`,
      tag: stringField(attributes.ref, 'object_attributes.ref', {
        required: true,
        maxLength: 128,
      }),
      commit: stringField(attributes.sha, 'object_attributes.sha', {
        maxLength: 64,
      }),
      url:
        stringField(attributes.url, 'object_attributes.url', {
          maxLength: 1024,
        }) ?? (webUrl ? `${webUrl}/-/pipelines/${id}` : undefined),
    };
  }
}
