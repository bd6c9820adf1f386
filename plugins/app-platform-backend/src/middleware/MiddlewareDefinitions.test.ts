import { ConfigReader } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SHIPPED_NAMES } from './__testUtils__/shippedDefinitions';
import {
  minimalMetadata,
  writeDefinition,
} from './__testUtils__/writeDefinition';
import { MiddlewareDefinitions } from './MiddlewareDefinitions';

let location: string;
let definitions: MiddlewareDefinitions | undefined;

beforeEach(() => {
  location = fs.mkdtempSync(path.join(os.tmpdir(), 'middleware-defs-'));
});

afterEach(() => {
  definitions?.close();
  definitions = undefined;
  fs.rmSync(location, { recursive: true, force: true });
});

async function waitFor(check: () => boolean, what: string) {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

it('reads the repository’s definitions by default', async () => {
  definitions = await MiddlewareDefinitions.fromConfig(new ConfigReader({}));
  expect(definitions.problems()).toEqual([]);
  expect(
    definitions
      .list()
      .map(d => d.name)
      .sort(),
  ).toEqual(SHIPPED_NAMES);
  const redis = definitions.get('redis');
  expect(redis).toMatchObject({
    title: 'Redis',
    category: 'cache',
    defaultVersion: '7.4',
  });
  expect(redis.parametersSchema).toMatchObject({
    type: 'object',
    additionalProperties: false,
    properties: {
      version: { enum: ['8.0', '7.4', '7.2'], default: '7.4' },
      size: { enum: ['small', 'medium', 'large'], default: 'small' },
      password: { format: 'password' },
    },
  });
});

it('reports a broken definition with its error and keeps the others', async () => {
  writeDefinition(location, 'good');
  writeDefinition(location, 'bad', {
    'definition.yaml': minimalMetadata('bad').replace(
      'category: cache',
      'category: toys',
    ),
  });
  writeDefinition(location, 'ugly', { 'parameters.yaml': 'type: [' });
  writeDefinition(location, 'renamed', {
    'definition.yaml': minimalMetadata('other'),
  });
  fs.mkdirSync(path.join(location, 'not-a-definition'));
  definitions = await MiddlewareDefinitions.fromConfig(
    new ConfigReader({
      appPlatform: { middleware: { locations: [location] } },
    }),
  );
  expect(definitions.list().map(d => d.name)).toEqual(['good']);
  expect(definitions.problems()).toEqual([
    {
      name: 'bad',
      directory: path.join(location, 'bad'),
      message: expect.stringMatching(
        /^middleware definition "bad": definition\.yaml: category: must be one of "database", "cache"/,
      ),
    },
    {
      name: 'renamed',
      directory: path.join(location, 'renamed'),
      message:
        'middleware definition "renamed": definition.yaml: name "other" must be the folder\'s name',
    },
    {
      name: 'ugly',
      directory: path.join(location, 'ugly'),
      message: expect.stringMatching(
        /^middleware definition "ugly": parameters\.yaml is not valid YAML/,
      ),
    },
  ]);
  expect(() => definitions!.get('bad')).toThrow(InputError);
  expect(() => definitions!.get('nope')).toThrow(NotFoundError);
});

it.each([
  [
    'declares version itself',
    {
      'parameters.yaml':
        'type: object\nproperties: { version: { type: string } }\n',
    },
    /parameters\.yaml: properties\.version comes from definition\.yaml/,
  ],
  [
    'has an unknown schema keyword',
    {
      'parameters.yaml':
        'type: object\nproperties: { a: { type: string, defualt: x } }\n',
    },
    /parameters\.yaml: not a valid parameter schema: strict mode: unknown keyword: "defualt"/,
  ],
  [
    'has a password in an array',
    {
      'parameters.yaml':
        'type: object\nproperties: { users: { type: array, items: { type: string, format: password } } }\n',
    },
    /a password \(format: password\) must be a string property reached through properties only; 1 is elsewhere/,
  ],
  [
    'has a password in an object without a default',
    {
      'parameters.yaml':
        'type: object\nproperties: { auth: { type: object, properties: { secret: { type: string, format: password } } } }\n',
    },
    /the password auth\.secret is inside "auth", which needs a default/,
  ],
  [
    'has no templates',
    { 'templates/service.yaml': undefined },
    /no templates\/\*\.yaml/,
  ],
  [
    'has a default version it does not maintain',
    {
      'definition.yaml': minimalMetadata('x').replace(
        "defaultVersion: '1.0'",
        "defaultVersion: '2.0'",
      ),
    },
    /defaultVersion "2\.0" is not one of versions/,
  ],
  [
    'has a scripted icon',
    { 'icon.svg': '<svg onload="alert(1)"/>' },
    /icon\.svg contains script/,
  ],
])('refuses a definition that %s', async (_what, files, message) => {
  writeDefinition(location, 'x', files);
  definitions = await MiddlewareDefinitions.create({ locations: [location] });
  expect(definitions.list()).toEqual([]);
  expect(definitions.problems()[0].message).toMatch(message);
});

it('lets the first location win a name', async () => {
  const second = fs.mkdtempSync(path.join(os.tmpdir(), 'middleware-defs-'));
  try {
    writeDefinition(location, 'cache');
    writeDefinition(second, 'cache');
    definitions = await MiddlewareDefinitions.create({
      locations: [location, second],
    });
    expect(definitions.get('cache').directory).toBe(
      path.join(location, 'cache'),
    );
    expect(definitions.problems()[0].message).toMatch(/the name is taken by /);
  } finally {
    fs.rmSync(second, { recursive: true, force: true });
  }
});

it('gives each definition a digest of all its files', async () => {
  const directory = writeDefinition(location, 'cache');
  definitions = await MiddlewareDefinitions.create({ locations: [location] });
  const first = definitions.get('cache').digest;
  await definitions.reload();
  expect(definitions.get('cache').digest).toBe(first);
  fs.writeFileSync(path.join(directory, 'notes.md'), 'a new file');
  await definitions.reload();
  const second = definitions.get('cache').digest;
  expect(second).not.toBe(first);
  fs.renameSync(
    path.join(directory, 'notes.md'),
    path.join(directory, 'notes2.md'),
  );
  await definitions.reload();
  expect(definitions.get('cache').digest).not.toBe(second);
});

it('reads a changed definition again by itself, and reports it breaking and healing', async () => {
  const directory = writeDefinition(location, 'cache');
  definitions = await MiddlewareDefinitions.create({
    locations: [location],
    watch: true,
    debounceMs: 50,
  });
  let changes = 0;
  definitions.onChange(() => changes++);
  const first = definitions.get('cache').digest;

  fs.appendFileSync(
    path.join(directory, 'templates/service.yaml'),
    '# a comment\n',
  );
  await waitFor(() => definitions!.get('cache').digest !== first, 'a reload');
  expect(changes).toBe(1);

  fs.writeFileSync(path.join(directory, 'definition.yaml'), 'name: [');
  await waitFor(() => definitions!.problems().length === 1, 'the problem');
  expect(definitions.list()).toEqual([]);

  writeDefinition(location, 'cache');
  writeDefinition(location, 'queue');
  await waitFor(() => definitions!.list().length === 2, 'the healing');
  expect(definitions.problems()).toEqual([]);
});
