import { MiddlewareEnvVar } from '@internal/plugin-app-platform-common';

const envSource = (env: MiddlewareEnvVar) =>
  env.secretKeyRef
    ? `from Secret ${env.secretKeyRef.name}, key ${env.secretKeyRef.key}`
    : env.value ?? '';

/** The env vars a service bound to an instance receives, each with its value or Secret key. */
export const MiddlewareEnvList = (props: { env: MiddlewareEnvVar[] }) => (
  <ul>
    {props.env.map(variable => (
      <li key={variable.name} aria-label={variable.name}>
        <code>{variable.name}</code>: {envSource(variable)}
      </li>
    ))}
  </ul>
);
