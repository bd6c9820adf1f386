import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  format?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  maxProperties?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
};

const openApi = parseYaml(
  fs.readFileSync(path.resolve(__dirname, 'openapi.yaml'), 'utf8'),
);

/** Every schema in the document with where it is, following nothing but nesting. */
function* schemasIn(node: unknown, where: string): Generator<[string, Schema]> {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries())
      yield* schemasIn(item, `${where}/${i}`);
    return;
  }
  const object = node as Record<string, unknown>;
  if (typeof object.type === 'string') yield [where, object as Schema];
  for (const [key, value] of Object.entries(object)) {
    // `properties` maps names to schemas; anything else may hold schemas deeper.
    yield* schemasIn(value, `${where}/${key}`);
  }
}

/** The schemas a request may carry: bodies and parameters, following $refs. */
function requestSchemas(): Set<Schema> {
  const found = new Set<Schema>();
  const resolve = (s: Schema): Schema => {
    if (!s.$ref) return s;
    const [, ...parts] = s.$ref.split('/');
    return parts.reduce((n: any, p) => n[p], openApi) as Schema;
  };
  const visit = (s: Schema | undefined) => {
    if (!s) return;
    const schema = resolve(s);
    if (found.has(schema)) return;
    found.add(schema);
    Object.values(schema.properties ?? {}).forEach(visit);
    visit(schema.items);
    if (typeof schema.additionalProperties === 'object')
      visit(schema.additionalProperties);
  };
  for (const item of Object.values<any>(openApi.paths)) {
    for (const operation of Object.values<any>(item)) {
      visit(operation.requestBody?.content?.['application/json']?.schema);
      for (const p of operation.parameters ?? []) {
        const parameter = p.$ref ? resolve(p) : p;
        visit((parameter as any).schema);
      }
    }
  }
  return found;
}

describe('openapi.yaml', () => {
  it('bounds every string and number (by its column where it has one)', () => {
    const unbounded: string[] = [];
    let strings = 0;
    let numbers = 0;
    for (const [where, schema] of schemasIn(openApi, '#')) {
      if (schema.type === 'string') {
        strings += 1;
        if (
          schema.maxLength === undefined &&
          !schema.enum &&
          schema.format !== 'date-time'
        ) {
          unbounded.push(
            `${where}: string without maxLength, enum or date-time format`,
          );
        }
      }
      if (schema.type === 'integer' || schema.type === 'number') {
        numbers += 1;
        if (schema.minimum === undefined || schema.maximum === undefined) {
          unbounded.push(
            `${where}: ${schema.type} without minimum and maximum`,
          );
        }
        // PostgreSQL's `integer` column.
        if (
          (schema.maximum ?? 0) > 2147483647 ||
          (schema.minimum ?? 0) < -2147483648
        ) {
          unbounded.push(
            `${where}: ${schema.type} beyond a 32-bit integer column`,
          );
        }
      }
    }
    expect(unbounded).toEqual([]);
    expect(strings).toBeGreaterThan(50);
    expect(numbers).toBeGreaterThan(5);
  });

  it('bounds every array and map a request may carry, and request objects take no unknown fields', () => {
    const problems: string[] = [];
    const schemas = requestSchemas();
    for (const schema of schemas) {
      const what = JSON.stringify(schema).slice(0, 80);
      if (schema.type === 'array' && schema.maxItems === undefined) {
        problems.push(`array without maxItems: ${what}`);
      }
      if (
        schema.type === 'object' &&
        typeof schema.additionalProperties === 'object'
      ) {
        if (schema.maxProperties === undefined)
          problems.push(`map without maxProperties: ${what}`);
      } else if (
        schema.type === 'object' &&
        schema.additionalProperties !== false
      ) {
        problems.push(`object without additionalProperties: false: ${what}`);
      }
    }
    expect(problems).toEqual([]);
    expect(schemas.size).toBeGreaterThan(20);
  });

  it('has the limits of the columns the API writes', () => {
    const s = openApi.components.schemas;
    const name = s.ResourceName;
    // applications.name, clusters.name: varchar(63); owners, titles, server fields: varchar(255).
    expect(name.maxLength).toBe(63);
    expect(s.ApplicationCreation.properties.owner.maxLength).toBe(255);
    expect(s.ApplicationCreation.properties.title.maxLength).toBe(255);
    expect(
      s.ApplicationCreation.properties.namespaceTemplate.maxLength,
    ).toBeLessThanOrEqual(255);
    expect(s.ApplicationChanges.properties.owner.maxLength).toBe(255);
    expect(s.ApplicationChanges.properties.title.maxLength).toBe(255);
    expect(s.ClusterRegistration.properties.url.maxLength).toBe(255);
    for (const field of ['name', 'region', 'os', 'chargeType', 'owner']) {
      expect({ field, max: s.ServerInput.properties[field].maxLength }).toEqual(
        { field, max: 255 },
      );
    }
    for (const field of ['cpu', 'memoryMib', 'diskGib']) {
      expect({ field, max: s.ServerInput.properties[field].maximum }).toEqual({
        field,
        max: 2147483647,
      });
    }
  });
});
