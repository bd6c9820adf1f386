import { redis } from './middlewareFixtures';
import {
  initialValues,
  parameterFields,
  parametersFromValues,
} from './parameterForm';

const fields = parameterFields(redis.parametersSchema);

describe('parameterFields', () => {
  it('has a field per parameter the form can edit, with how it is entered', () => {
    expect(fields.map(f => [f.path, f.input])).toEqual([
      ['version', 'select'],
      ['size', 'select'],
      ['replicas', 'integer'],
      ['password', 'password'],
      ['maxmemoryPolicy', 'select'],
      ['persistence', 'group'],
      ['persistence.enabled', 'checkbox'],
      ['persistence.size', 'text'],
      ['persistence.storageClass', 'text'],
    ]);
    expect(fields[0].options).toEqual(['8.0', '7.4', '7.2']);
    expect(fields[0].defaultValue).toBe('7.4');
  });

  it('leaves out what it cannot edit: arrays keep their default', () => {
    expect(
      parameterFields({
        type: 'object',
        properties: {
          users: { type: 'array', items: { type: 'string' } },
          port: { type: 'number', enum: [6379, 6380] },
        },
      }).map(f => [f.path, f.input, f.options]),
    ).toEqual([['port', 'select', [6379, 6380]]]);
  });
});

describe('initialValues', () => {
  it('starts from the defaults, nested ones too, and passwords empty', () => {
    expect(initialValues(fields)).toEqual({
      version: '7.4',
      size: 'small',
      replicas: '1',
      password: '',
      maxmemoryPolicy: 'allkeys-lru',
      'persistence.enabled': true,
      'persistence.size': '1Gi',
      'persistence.storageClass': '',
    });
  });

  it('starts from the current parameters on an upgrade, never showing the redacted password', () => {
    const values = initialValues(fields, {
      version: '7.2',
      replicas: 3,
      password: '<redacted>',
      persistence: { enabled: false, size: '5Gi' },
    });
    expect(values).toMatchObject({
      version: '7.2',
      replicas: '3',
      password: '',
      'persistence.enabled': false,
      'persistence.size': '5Gi',
      // Not among the current parameters: the default.
      size: 'small',
    });
  });
});

describe('parametersFromValues', () => {
  it('types every value as the schema says and nests the dotted ones', () => {
    const values = {
      ...initialValues(fields),
      replicas: ' 3 ',
      'persistence.size': '2Gi',
    };
    expect(parametersFromValues(fields, values)).toEqual({
      parameters: {
        version: '7.4',
        size: 'small',
        replicas: 3,
        maxmemoryPolicy: 'allkeys-lru',
        persistence: { enabled: true, size: '2Gi' },
      },
      errors: {},
    });
  });

  it('sends a password only when one was typed, as typed', () => {
    const values = { ...initialValues(fields), password: ' s3cret!! ' };
    expect(parametersFromValues(fields, values).parameters.password).toBe(
      ' s3cret!! ',
    );
  });

  it('says which values cannot be sent', () => {
    const values = { ...initialValues(fields), replicas: '2.5', size: 'huge' };
    expect(parametersFromValues(fields, values).errors).toEqual({
      replicas: 'Replicas must be a whole number.',
      size: 'Size must be one of the listed values.',
    });
    const required = parameterFields({
      type: 'object',
      required: ['database'],
      properties: { database: { type: 'string', title: 'Database' } },
    });
    expect(parametersFromValues(required, { database: ' ' }).errors).toEqual({
      database: 'Database is required.',
    });
  });

  it('keeps a select value of another type than string', () => {
    const port = parameterFields({
      type: 'object',
      properties: { port: { type: 'number', enum: [6379, 6380] } },
    });
    expect(parametersFromValues(port, { port: '6380' }).parameters).toEqual({
      port: 6380,
    });
  });

  it('sends only what changed on an upgrade', () => {
    const start = initialValues(fields, {
      version: '7.2',
      replicas: 1,
      password: '<redacted>',
    });
    expect(parametersFromValues(fields, start, start).parameters).toEqual({});
    const changed = {
      ...start,
      version: '7.4',
      'persistence.enabled': false,
    };
    expect(parametersFromValues(fields, changed, start).parameters).toEqual({
      version: '7.4',
      persistence: { enabled: false },
    });
    expect(
      parametersFromValues(fields, { ...start, password: 'n3w-secret' }, start)
        .parameters,
    ).toEqual({ password: 'n3w-secret' });
  });
});
