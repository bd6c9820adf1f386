import fs from 'node:fs';
import path from 'node:path';

/** definition.yaml of a small valid definition named `name`. */
export function minimalMetadata(name: string): string {
  return `name: ${name}
title: Test ${name}
description: A definition written by a test.
icon: icon.svg
category: cache
versions: ['1.0', '0.9']
defaultVersion: '1.0'
sizes:
  small: { resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 32Mi } } }
  medium: { resources: { requests: { cpu: 20m, memory: 32Mi } } }
  large: { resources: { requests: { cpu: 40m, memory: 64Mi } } }
connection:
  service: '\${{ instance.name }}'
  port: 80
`;
}

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: \${{ instance.name }}
spec:
  selector:
    \${{ selectorLabels() | toYaml | indent(4) }}
  ports:
    - port: 80
`;

/**
 * Writes a definition folder `<location>/<name>`: a valid minimal one, with
 * `files` (relative path → content; `undefined` removes one) over it.
 */
export function writeDefinition(
  location: string,
  name: string,
  files: Record<string, string | undefined> = {},
): string {
  const directory = path.join(location, name);
  const all: Record<string, string | undefined> = {
    'definition.yaml': minimalMetadata(name),
    'icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'parameters.yaml': 'type: object\nproperties: {}\n',
    'templates/service.yaml': SERVICE,
    ...files,
  };
  fs.rmSync(directory, { recursive: true, force: true });
  for (const [file, content] of Object.entries(all)) {
    if (content === undefined) continue;
    fs.mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
    fs.writeFileSync(path.join(directory, file), content);
  }
  return directory;
}
