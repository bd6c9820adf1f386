import { middlewareParametersForm } from './middlewareParametersForm';

const where = 'middleware definition "db": parameters.yaml';
const form = (properties: Record<string, unknown>, required: string[] = []) =>
  middlewareParametersForm({
    where,
    added: { version: { type: 'string', enum: ['1'] } },
    properties,
    required,
    taken: ['application', 'name', 'clusters'],
  }) as {
    // Read as JSON Schema and template expressions.
    properties: Record<string, any>;
    required: string[];
    input: Record<string, any>;
  };

describe('middlewareParametersForm', () => {
  it('passes each parameter as itself, and a password as a Secret field through the secrets', () => {
    const persistence = {
      type: 'object',
      properties: { size: { type: 'string', default: '1Gi' } },
    };
    const { properties, required, input } = form(
      {
        user: { type: 'string', default: 'app' },
        password: {
          title: 'Password',
          type: 'string',
          format: 'password',
          minLength: 8,
          maxLength: 128,
        },
        persistence,
        'log-level': { type: 'string' },
      },
      ['user'],
    );

    expect(Object.keys(properties)).toEqual([
      'version',
      'user',
      'password',
      'persistence',
      'log-level',
    ]);
    // Masked in the form, in the review and in the task; may stay empty
    // (the mask of nothing is ''), so its length is a pattern, not minLength.
    expect(properties.password).toEqual({
      title: 'Password',
      type: 'string',
      maxLength: 128,
      pattern: '^(.{8,})?$',
      errorMessage: {
        pattern: 'At least 8 characters, or none to have one generated',
      },
      'ui:field': 'Secret',
      'ui:help': expect.stringMatching(/^Leave it empty to have one generated/),
      'ui:backstage': { review: { mask: '********' } },
    });
    const lengthCheck = new RegExp(properties.password.pattern);
    expect(['', '*'.repeat(8)].map(mask => lengthCheck.test(mask))).toEqual([
      true,
      true,
    ]);
    expect(lengthCheck.test('*'.repeat(7))).toBe(false);
    expect(properties.persistence).toBe(persistence);
    expect(required).toEqual(['user']);
    expect(input).toEqual({
      version: '${{ parameters.version }}',
      user: '${{ parameters.user }}',
      password: '${{ secrets.password }}',
      persistence: '${{ parameters.persistence }}',
      'log-level': '${{ parameters["log-level"] }}',
    });
  });

  it('keeps a required password required, with its minLength and no word of generating it', () => {
    const { properties, required } = form(
      { password: { type: 'string', format: 'password', minLength: 12 } },
      ['password'],
    );
    expect(properties.password).toMatchObject({
      minLength: 12,
      'ui:field': 'Secret',
    });
    expect(properties.password.pattern).toBeUndefined();
    expect(properties.password['ui:help']).not.toMatch(/generated/);
    expect(required).toEqual(['password']);
  });

  it('hoists a password out of its object into a top-level Secret field and puts it back in the step input', () => {
    const { properties, required, input } = form({
      replication: {
        title: 'Replication',
        type: 'object',
        additionalProperties: false,
        default: {},
        required: ['user', 'password'],
        properties: {
          user: { type: 'string', default: 'replicator' },
          password: { title: 'Password', type: 'string', format: 'password' },
          tls: {
            type: 'object',
            additionalProperties: false,
            properties: {
              enabled: { type: 'boolean' },
              keyPassphrase: { type: 'string', format: 'password' },
            },
          },
        },
      },
      mode: { type: 'string' },
    });

    expect(Object.keys(properties)).toEqual([
      'version',
      'replication',
      'replicationPassword',
      'replicationTlsKeyPassphrase',
      'mode',
    ]);
    // The object's form has no password left; what is left keeps its checks.
    expect(properties.replication).toEqual({
      title: 'Replication',
      type: 'object',
      additionalProperties: false,
      default: {},
      required: ['user'],
      properties: {
        user: { type: 'string', default: 'replicator' },
        tls: {
          type: 'object',
          additionalProperties: false,
          properties: { enabled: { type: 'boolean' } },
        },
      },
    });
    expect(properties.replicationPassword).toMatchObject({
      title: 'Password (Replication)',
      'ui:field': 'Secret',
    });
    expect(properties.replicationTlsKeyPassphrase).toMatchObject({
      title: 'keyPassphrase (Replication / tls)',
      'ui:field': 'Secret',
    });
    // Required in its object, which the step input always gives: required.
    expect(required).toEqual(['replicationPassword']);
    expect(input.replication).toEqual({
      user: '${{ parameters.replication.user }}',
      password: '${{ secrets.replicationPassword }}',
      tls: {
        enabled: '${{ parameters.replication.tls.enabled }}',
        keyPassphrase: '${{ secrets.replicationTlsKeyPassphrase }}',
      },
    });
  });

  it('refuses what it cannot ask for without showing the password, and two fields of one name', () => {
    const password = { type: 'string', format: 'password' };
    const refusals: Array<[Record<string, unknown>, string]> = [
      [
        {
          users: {
            type: 'array',
            items: { type: 'object', properties: { password } },
          },
        },
        `${where}: users: a password in an array cannot be asked for in a Software Template without showing it in the task's parameters`,
      ],
      [
        {
          auth: {
            type: 'object',
            additionalProperties: { type: 'string' },
            properties: { password },
          },
        },
        `${where}: auth: an object with a password must not take other properties (additionalProperties: false), as the step input names each of its properties`,
      ],
      [
        { pin: { ...password, pattern: '^[0-9]+$' } },
        `${where}: pin: a password cannot have pattern (the template's form sees only a mask of it)`,
      ],
      [
        {
          auth: { type: 'object', properties: { password } },
          authPassword: { type: 'string' },
        },
        `${where}: authPassword cannot be a field's name in a Software Template (another field has it)`,
      ],
    ];
    for (const [properties, error] of refusals) {
      expect(() => form(properties)).toThrow(error);
    }
  });
});
