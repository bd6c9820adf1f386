import { ConfigReader } from '@backstage/config';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileServerProvider } from './FileServerProvider';

describe('FileServerProvider', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'servers-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a YAML list, fills the default owner and rejects non-records', async () => {
    const file = path.join(dir, 'servers.yaml');
    await writeFile(
      file,
      [
        '- id: web-1',
        '  name: web 1',
        '  region: cn-hangzhou',
        '  ipAddresses: [10.0.0.1, 47.1.2.3]',
        '  cpu: 4',
        '  memoryMib: 8192',
        '  diskGib: 100',
        '  os: Ubuntu 22.04',
        '  chargeType: PrePaid',
        '  createdAt: 2025-12-01',
        '  expiresAt: 2026-12-01T00:00:00Z',
        '  owner: group:default/team-a',
        '  tags: { env: prod }',
        '- name: db-1',
        '  expiresAt: 2027-01-15',
        '- just a string',
        '- region: nowhere',
      ].join('\n'),
    );
    const provider = FileServerProvider.fromConfig(
      new ConfigReader({
        name: 'office',
        path: file,
        defaultOwner: 'team-ops',
      }),
    );

    expect(provider.getProviderName()).toBe('office');
    const result = await provider.readServers();
    expect(result.servers).toEqual([
      {
        providerId: 'web-1',
        name: 'web 1',
        region: 'cn-hangzhou',
        ipAddresses: ['10.0.0.1', '47.1.2.3'],
        cpu: 4,
        memoryMib: 8192,
        diskGib: 100,
        os: 'Ubuntu 22.04',
        chargeType: 'PrePaid',
        createdAt: '2025-12-01',
        expiresAt: '2026-12-01T00:00:00Z',
        owner: 'group:default/team-a',
        tags: { env: 'prod' },
      },
      {
        providerId: 'db-1',
        name: 'db-1',
        expiresAt: '2027-01-15',
        owner: 'team-ops',
      },
    ]);
    expect(result.rejected).toEqual([
      { reason: 'entry 3 is not an object' },
      { reason: 'entry 4 has neither id nor name' },
    ]);
  });

  it('reads JSON with a servers key', async () => {
    const file = path.join(dir, 'servers.json');
    await writeFile(
      file,
      JSON.stringify({
        servers: [{ id: 7, expiresAt: '2026-12-24', owner: 'team-b' }],
      }),
    );
    const provider = FileServerProvider.create({ name: 'json', path: file });
    expect(await provider.readServers()).toEqual({
      servers: [{ providerId: '7', expiresAt: '2026-12-24', owner: 'team-b' }],
      rejected: [],
    });
  });

  it('fails as a whole when the file is missing or not a list', async () => {
    const missing = FileServerProvider.create({
      name: 'missing',
      path: path.join(dir, 'nope.yaml'),
    });
    await expect(missing.readServers()).rejects.toThrow(/ENOENT/);

    const file = path.join(dir, 'object.yaml');
    await writeFile(file, 'hello: world\n');
    const notAList = FileServerProvider.create({ name: 'object', path: file });
    await expect(notAList.readServers()).rejects.toThrow(
      /must hold a list of servers/,
    );
  });
});
