import { platformTopicNames } from './notificationSettingsModule';

describe('platformTopicNames', () => {
  it("names the App Platform's deploy topics as they are, capitalized", () => {
    expect('deploy succeeded: ci-shop/web' in platformTopicNames).toBe(true);
    expect(platformTopicNames['deploy succeeded: ci-shop/web']).toBe(
      'Deploy succeeded: ci-shop/web',
    );
    expect(platformTopicNames['deploy failed: my-app/api-v2']).toBe(
      'Deploy failed: my-app/api-v2',
    );
  });

  it("leaves other topics to Backstage's formatter", () => {
    expect('server-expiry' in platformTopicNames).toBe(false);
    expect('deploy' in platformTopicNames).toBe(false);
  });
});
