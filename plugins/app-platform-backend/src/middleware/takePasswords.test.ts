import { MiddlewareDefinition } from './MiddlewareDefinition';
import { shippedDefinitions } from './__testUtils__/shippedDefinitions';
import {
  resolveMiddlewareParameters,
  restorePasswords,
  takePasswords,
} from './resolveMiddlewareParameters';

describe('takePasswords and restorePasswords', () => {
  let definitions: MiddlewareDefinition[];
  beforeAll(async () => {
    definitions = await shippedDefinitions();
  });

  it('leave no password in what a record stores, and give back what was rendered', () => {
    for (const definition of definitions) {
      const { parameters } = resolveMiddlewareParameters(definition, {});
      const split = takePasswords(definition, parameters);
      const json = JSON.stringify(split.parameters);
      for (const password of Object.values(split.passwords)) {
        expect(json).not.toContain(password);
      }
      expect(restorePasswords(split.parameters, split.passwords)).toEqual(
        parameters,
      );
    }
  });

  it('takes the generated Redis password and nothing else', () => {
    const redis = definitions.find(d => d.name === 'redis')!;
    const { parameters } = resolveMiddlewareParameters(redis, {
      password: 'a-given-password',
      replicas: 2,
    });
    const split = takePasswords(redis, parameters);
    expect(split.passwords).toEqual({ password: 'a-given-password' });
    expect(split.parameters).toMatchObject({ replicas: 2 });
    expect(split.parameters).not.toHaveProperty('password');
  });

  it('restores a nested password path', () => {
    expect(
      restorePasswords({ auth: { user: 'u' } }, { 'auth.password': 'p' }),
    ).toEqual({ auth: { user: 'u', password: 'p' } });
    expect(restorePasswords({}, { 'auth.password': 'p' })).toEqual({
      auth: { password: 'p' },
    });
  });
});
