import { parseYamlBody } from './parseYamlBody';

describe('parseYamlBody', () => {
  it('reads JSON, block YAML and flow YAML alike', () => {
    const object = { kind: 'ConfigMap', data: { a: '1' }, list: [1, 'x'] };
    expect(parseYamlBody(JSON.stringify(object))).toEqual(object);
    expect(parseYamlBody(JSON.stringify(object, undefined, 2))).toEqual(object);
    expect(
      parseYamlBody("kind: ConfigMap\ndata:\n  a: '1'\nlist: [1, x]\n"),
    ).toEqual(object);
    // Flow YAML that is not JSON (unquoted keys and values).
    expect(
      parseYamlBody("{kind: ConfigMap, data: {a: '1'}, list: [1, x]}"),
    ).toEqual(object);
  });

  it('reports broken bodies with the YAML parser', () => {
    expect(() => parseYamlBody('{"kind": "ConfigMap",')).toThrow();
    expect(() => parseYamlBody('kind: [unclosed')).toThrow();
  });
});
