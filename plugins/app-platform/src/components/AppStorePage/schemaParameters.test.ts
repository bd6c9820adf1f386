import { enumChoices, schemaParameters } from './schemaParameters';
import { rabbitmq, redis } from './middlewareFixtures';

describe('schemaParameters', () => {
  it('lists every parameter with its title, type, default, values and limits', () => {
    const parameters = schemaParameters(redis.parametersSchema);
    expect(parameters.map(p => p.path)).toEqual([
      'version',
      'size',
      'replicas',
      'password',
      'maxmemoryPolicy',
      'persistence',
      'persistence.enabled',
      'persistence.size',
      'persistence.storageClass',
    ]);
    const byPath = Object.fromEntries(parameters.map(p => [p.path, p]));
    expect(byPath.replicas).toEqual({
      path: 'replicas',
      depth: 0,
      title: 'Replicas',
      description:
        'Pod 0 is the primary; the others replicate it and serve reads.',
      type: 'integer',
      defaultValue: '1',
      enumValues: undefined,
      constraints: ['1 to 5'],
      required: false,
      schema: (redis.parametersSchema as any).properties.replicas,
    });
    expect(byPath.version.enumValues).toEqual(['8.0', '7.4', '7.2']);
    expect(byPath.version.defaultValue).toBe('7.4');
    expect(byPath.password.constraints).toEqual([
      '8 to 128 characters',
      'a password: generated when not given, never shown again',
    ]);
    expect(byPath.password.defaultValue).toBeUndefined();
    // An object's `{}` default is not shown; its properties' defaults are.
    expect(byPath.persistence.type).toBe('object');
    expect(byPath.persistence.defaultValue).toBeUndefined();
    expect(byPath['persistence.enabled']).toMatchObject({
      depth: 1,
      title: 'Keep data on a volume',
      type: 'boolean',
      defaultValue: 'true',
    });
    expect(byPath['persistence.size'].constraints).toEqual([
      'matches ^[1-9][0-9]{0,4}(Mi|Gi|Ti)$',
    ]);
  });

  it('names a forbidden value and marks required parameters', () => {
    const [username] = schemaParameters({
      type: 'object',
      required: ['username'],
      properties: {
        username: (rabbitmq.parametersSchema as any).properties.username,
      },
    });
    expect(username.constraints).toContain('not guest');
    expect(username.required).toBe(true);
  });

  it('has nothing to list for a schema without properties', () => {
    expect(schemaParameters({ type: 'object' })).toEqual([]);
    expect(schemaParameters(undefined)).toEqual([]);
  });
});

describe('enumChoices', () => {
  it('offers the values of an enum parameter and its default', () => {
    expect(enumChoices(redis.parametersSchema, 'size')).toEqual({
      values: ['small', 'medium', 'large'],
      defaultValue: 'small',
    });
    expect(enumChoices(redis.parametersSchema, 'replicas')).toEqual({
      values: [],
    });
  });
});
