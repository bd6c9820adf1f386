import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';

/**
 * A root logger that keeps every line with its metadata in `lines`, so a test
 * can search what the backend logged (for tokens that must never be there).
 */
export function capturingLogger(lines: string[]) {
  const make = (meta: object): LoggerService => {
    const log = (level: string) => (message: string, extra?: any) => {
      lines.push(
        `${level} ${message} ${JSON.stringify({ ...meta, ...extra })}`,
      );
    };
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: (m: object) => make({ ...meta, ...m }),
    };
  };
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => make({}) as any,
  });
}
