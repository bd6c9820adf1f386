import { versionSpecOf } from './versionSpecInput';

const answers = {
  image: 'shop/web:1',
  replicas: 2,
  ports: [{ name: 'http', containerPort: 8080 }],
  env: [],
  logging: false,
};

describe('versionSpecOf', () => {
  it('leaves out what the form left empty', () => {
    expect(versionSpecOf({ ...answers, route: { host: '' } })).toEqual({
      image: 'shop/web:1',
      replicas: 2,
      ports: [{ name: 'http', containerPort: 8080 }],
    });
  });

  it('takes env, a route and the sidecars', () => {
    expect(
      versionSpecOf({
        ...answers,
        env: [{ name: 'MODE', value: 'prod' }],
        route: { host: 'shop.example.com', path: '/api', tlsSecret: '' },
        logging: true,
        proxyPort: 9000,
      }),
    ).toEqual({
      image: 'shop/web:1',
      replicas: 2,
      ports: [{ name: 'http', containerPort: 8080 }],
      env: [{ name: 'MODE', value: 'prod' }],
      route: { host: 'shop.example.com', path: '/api' },
      sidecars: { logging: {}, proxy: { port: 9000 } },
    });
  });
});
