import {
  createFrontendModule,
  SubPageBlueprint,
} from '@backstage/frontend-plugin-api';

/**
 * Settings → Notifications: Backstage's per-origin and per-topic switches,
 * which the new frontend system does not mount by itself. The App Platform
 * sends each service's deploy results under topics of their own
 * (`deploy succeeded: <application>/<service>`), so this is where a user
 * mutes the successes of one service.
 */
/**
 * Names for the App Platform's per-service topics. Backstage's default
 * formatter turns every `-` and `:` into a space and lowercases the rest
 * (`Deploy succeeded ci shop/web` for `deploy succeeded: ci-shop/web`), which
 * garbles application names; the card takes only a fixed map, so this map
 * answers for any topic of that shape.
 */
export const platformTopicNames: Record<string, string> = new Proxy(
  {},
  {
    has: (_, topic) =>
      typeof topic === 'string' && /^deploy (succeeded|failed): /.test(topic),
    get: (_, topic) =>
      typeof topic === 'string'
        ? `${topic.charAt(0).toUpperCase()}${topic.slice(1)}`
        : undefined,
  },
);

const notificationSettingsPage = SubPageBlueprint.make({
  name: 'notifications',
  params: {
    path: 'notifications',
    title: 'Notifications',
    loader: async () => {
      const [{ UserNotificationSettingsCard }, { Content }] = await Promise.all(
        [
          import('@backstage/plugin-notifications'),
          import('@backstage/core-components'),
        ],
      );
      return (
        <Content>
          <UserNotificationSettingsCard
            originNames={{ 'plugin:app-platform': 'App Platform' }}
            topicNames={platformTopicNames}
          />
        </Content>
      );
    },
  },
});

export const notificationSettingsModule = createFrontendModule({
  pluginId: 'user-settings',
  extensions: [notificationSettingsPage],
});
