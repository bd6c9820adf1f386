import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonValue } from '@backstage/types';

/**
 * The scaffolder's checkpoints of one task: a retried task finds the
 * results of the steps it already did (the scaffolder keeps them in its
 * task state; here a map).
 */
export function checkpoints() {
  const done = new Map<string, JsonValue | void>();
  return async <T extends JsonValue | void>(opts: {
    key: string;
    fn: () => Promise<T> | T;
  }): Promise<T> => {
    if (done.has(opts.key)) return done.get(opts.key) as T;
    const value = await opts.fn();
    done.set(opts.key, value);
    return value;
  };
}

/**
 * An action's context as a task of `user` gives it, and the lines the
 * action writes to the task log.
 */
export function contextOf<T extends Record<string, any>>(
  user: string,
  input: T,
  extra: { isDryRun?: boolean; checkpoint?: any } = {},
) {
  const lines: string[] = [];
  // createMockActionContext keeps only some of its options: the rest go on top.
  const ctx = {
    ...createMockActionContext({
      input,
      logger: {
        ...mockServices.logger.mock(),
        info: (line: string) => {
          lines.push(line);
        },
      } as any,
    }),
    getInitiatorCredentials: async () => mockCredentials.user(user),
    checkpoint: extra.checkpoint ?? checkpoints(),
    isDryRun: extra.isDryRun,
  };
  return { ctx, lines };
}
