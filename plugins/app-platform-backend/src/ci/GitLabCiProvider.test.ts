import { createHash } from 'node:crypto';
import { GitLabCiProvider } from './GitLabCiProvider';

const secretHash = createHash('sha256').update('whsec_test').digest();

function pipeline(attributes: object, event = 'Pipeline Hook') {
  const body = {
    object_kind: 'pipeline',
    object_attributes: {
      id: 31,
      ref: 'v1.2.0',
      tag: true,
      sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      status: 'success',
      ...attributes,
    },
    project: { web_url: 'http://example.com/gitlab-org/gitlab-test' },
  };
  return {
    headers: { 'x-gitlab-event': event, 'x-gitlab-token': 'whsec_test' },
    rawBody: Buffer.from(JSON.stringify(body)),
    body,
    query: { application: 'shop', service: 'web' },
  };
}

describe('GitLabCiProvider', () => {
  const provider = new GitLabCiProvider();

  it('turns a successful tag pipeline into a build of that tag', () => {
    const request = pipeline({});
    expect(() => provider.verify(request, secretHash)).not.toThrow();
    expect(provider.serviceOf(request)).toEqual({
      application: 'shop',
      service: 'web',
    });
    expect(provider.buildOf(request)).toEqual({
      buildId: 'pipeline-31',
      tag: 'v1.2.0',
      commit: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      url: 'http://example.com/gitlab-org/gitlab-test/-/pipelines/31',
    });
  });

  it('ignores other events, unfinished or failed pipelines and branch pipelines', () => {
    expect(provider.buildOf(pipeline({}, 'Push Hook'))).toBeUndefined();
    expect(provider.buildOf(pipeline({ status: 'running' }))).toBeUndefined();
    expect(provider.buildOf(pipeline({ status: 'failed' }))).toBeUndefined();
    expect(
      provider.buildOf(pipeline({ tag: false, ref: 'main' })),
    ).toBeUndefined();
  });

  it('refuses another token, none, a payload without an id and a URL without the service', () => {
    expect(() =>
      provider.verify(
        { ...pipeline({}), headers: { 'x-gitlab-token': 'whsec_other' } },
        secretHash,
      ),
    ).toThrow(/not the service's webhook secret/);
    expect(() =>
      provider.verify({ ...pipeline({}), headers: {} }, secretHash),
    ).toThrow(/x-gitlab-token is required/);
    expect(() => provider.buildOf(pipeline({ id: 'x' }))).toThrow(
      'object_attributes.id: must be an integer',
    );
    expect(() =>
      provider.serviceOf({ ...pipeline({}), query: { application: 'shop' } }),
    ).toThrow('service: is required');
  });
});
