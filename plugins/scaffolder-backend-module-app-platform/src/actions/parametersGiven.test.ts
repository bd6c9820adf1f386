import { parametersGiven } from './parametersGiven';

describe('parametersGiven', () => {
  it('leaves out empty and missing values, in nested objects too', () => {
    expect(
      parametersGiven({
        password: '',
        user: undefined,
        replicas: 0,
        persistence: {
          enabled: false,
          password: '',
          storageClass: undefined,
          size: '1Gi',
        },
        routes: [{ path: '' }],
        database: 'app',
      }),
    ).toStrictEqual({
      replicas: 0,
      persistence: { enabled: false, size: '1Gi' },
      routes: [{ path: '' }],
      database: 'app',
    });
  });
});
