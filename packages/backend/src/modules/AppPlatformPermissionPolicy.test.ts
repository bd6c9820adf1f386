import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  applicationCreatePermission,
  applicationDeletePermission,
  applicationReadPermission,
  applicationUpdatePermission,
  clusterManagePermission,
  clusterReadPermission,
  serverImportPermission,
  serverManagePermission,
  taskManagePermission,
} from '@internal/plugin-app-platform-common';
import { AppPlatformPermissionPolicy } from './AppPlatformPermissionPolicy';

function user(ref: string, groups: string[]): PolicyQueryUser {
  return {
    identity: { type: 'user', userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
    token: 'token',
    credentials: {} as any,
  } as PolicyQueryUser;
}

describe('AppPlatformPermissionPolicy', () => {
  const policy = AppPlatformPermissionPolicy.fromConfig(
    new ConfigReader({ appPlatform: { admins: ['group:default/platform-admins'] } }),
  );
  const admin = user('user:default/root', ['group:default/platform-admins']);
  const alice = user('user:default/alice', ['group:default/team-a']);

  it('lets admins do anything, including cluster management', async () => {
    for (const permission of [
      clusterManagePermission,
      clusterReadPermission,
      taskManagePermission,
      applicationDeletePermission,
      serverManagePermission,
      serverImportPermission,
    ]) {
      expect(await policy.handle({ permission }, admin)).toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it('keeps cluster management and details, on-demand server imports and scans and scheduled tasks from everyone else', async () => {
    for (const permission of [
      clusterManagePermission,
      clusterReadPermission,
      taskManagePermission,
      serverImportPermission,
    ]) {
      expect(await policy.handle({ permission }, alice)).toEqual({ result: AuthorizeResult.DENY });
    }
  });

  it('lets everyone read and create applications', async () => {
    for (const permission of [applicationReadPermission, applicationCreatePermission]) {
      expect(await policy.handle({ permission }, alice)).toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it("makes update and delete conditional on the user's groups owning the resource", async () => {
    for (const permission of [applicationUpdatePermission, applicationDeletePermission]) {
      expect(await policy.handle({ permission }, alice)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'app-platform',
        resourceType: 'app-platform-application',
        conditions: {
          rule: 'IS_APPLICATION_OWNER',
          resourceType: 'app-platform-application',
          params: { claims: ['user:default/alice', 'group:default/team-a'] },
        },
      });
    }
    expect(await policy.handle({ permission: serverManagePermission }, alice)).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { rule: 'IS_SERVER_OWNER' },
    });
  });
});
