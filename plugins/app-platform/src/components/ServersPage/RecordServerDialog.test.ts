import { Server } from '@internal/plugin-app-platform-common';
import {
  emptyServerForm as empty,
  toServerForm,
  toServerInput,
} from './RecordServerDialog';

describe('toServerInput', () => {
  it('sends only the fields filled in, trimmed', () => {
    expect(
      toServerInput({
        ...empty,
        name: ' db-02 ',
        owner: 'group:default/guests',
        expiresAt: '2027-01-31',
      }),
    ).toEqual({
      name: 'db-02',
      owner: 'group:default/guests',
      chargeType: 'PrePaid',
      expiresAt: '2027-01-31',
    });
  });

  it('converts memory to MiB and splits IP addresses', () => {
    expect(
      toServerInput({
        ...empty,
        name: 'gpu-01',
        owner: 'team-a',
        chargeType: 'PostPaid',
        cpu: '32',
        memoryGib: '0.5',
        diskGib: '2000',
        region: 'idc-1',
        os: 'Ubuntu 24.04',
        ipAddresses: '10.0.0.1, 10.0.0.2\n192.168.1.9',
      }),
    ).toEqual({
      name: 'gpu-01',
      owner: 'team-a',
      chargeType: 'PostPaid',
      cpu: 32,
      memoryMib: 512,
      diskGib: 2000,
      region: 'idc-1',
      os: 'Ubuntu 24.04',
      ipAddresses: ['10.0.0.1', '10.0.0.2', '192.168.1.9'],
    });
  });

  it('passes what is not a number on, for the backend to name the field', () => {
    // JSON turns NaN into null, which the API refuses as "cpu must be integer".
    expect(
      JSON.parse(
        JSON.stringify(
          toServerInput({ ...empty, name: 'x', owner: 'a', cpu: 'e' }),
        ),
      ),
    ).toMatchObject({
      cpu: null,
    });
  });
});

describe('toServerForm', () => {
  it('fills the form with a server so that saving it changes nothing', () => {
    const server: Server = {
      id: '1',
      name: 'gpu-01',
      provider: 'manual',
      providerId: 'gpu-01',
      ipAddresses: ['10.0.0.1', '10.0.0.2'],
      cpu: 32,
      memoryMib: 512,
      diskGib: 2000,
      os: 'Ubuntu 24.04',
      chargeType: 'PrePaid',
      expiresAt: '2027-01-31T00:00:00.000Z',
      owner: 'group:default/team-a',
      tags: { room: 'b2' },
      state: 'active',
      updatedAt: '2026-11-01T00:00:00.000Z',
    };
    const form = toServerForm(server);
    expect(form).toMatchObject({
      expiresAt: '2027-01-31',
      memoryGib: '0.5',
      region: '',
    });
    expect(toServerInput(form)).toEqual({
      name: 'gpu-01',
      owner: 'group:default/team-a',
      chargeType: 'PrePaid',
      expiresAt: '2027-01-31',
      cpu: 32,
      memoryMib: 512,
      diskGib: 2000,
      os: 'Ubuntu 24.04',
      ipAddresses: ['10.0.0.1', '10.0.0.2'],
    });
  });
});
