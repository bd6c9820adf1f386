import { LoggerService } from '@backstage/backend-plugin-api';
import { findPaths } from '@backstage/cli-common';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';
import { MiddlewareDefinition } from './MiddlewareDefinition';
import { readMiddlewareDefinition } from './readMiddlewareDefinition';

/** A definition folder that could not be read, and why. */
export type MiddlewareDefinitionProblem = {
  name: string;
  directory: string;
  message: string;
};

/** By default, the templates/middleware folder at the root of the repository. */
function defaultLocation(): string {
  // eslint-disable-next-line no-restricted-syntax
  return findPaths(__dirname).resolveTargetRoot('templates/middleware');
}

const DEFAULT_DEBOUNCE_MS = 300;

/**
 * The middleware definitions of the app store: every folder with a
 * definition.yaml in the configured locations
 * (`appPlatform.middleware.locations`; the first location wins a name).
 * Watches the locations and reads them again shortly after a change; a
 * definition that does not read is a problem, listed with its error, and
 * hides none of the others.
 */
export class MiddlewareDefinitions {
  private definitions = new Map<string, MiddlewareDefinition>();
  private problemList: MiddlewareDefinitionProblem[] = [];
  private readonly watchers: fs.FSWatcher[] = [];
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> = Promise.resolve();

  private constructor(
    private readonly locations: string[],
    private readonly logger: LoggerService | undefined,
    private readonly debounceMs: number,
  ) {}

  static async fromConfig(
    config: Config,
    options: { logger?: LoggerService; watch?: boolean } = {},
  ): Promise<MiddlewareDefinitions> {
    const configured = config.getOptionalStringArray(
      'appPlatform.middleware.locations',
    );
    return MiddlewareDefinitions.create({
      locations: configured?.length
        ? configured.map(location => path.resolve(location))
        : [defaultLocation()],
      ...options,
    });
  }

  /** Reads the locations once; with `watch`, again after every change. */
  static async create(options: {
    locations: string[];
    logger?: LoggerService;
    watch?: boolean;
    debounceMs?: number;
  }): Promise<MiddlewareDefinitions> {
    const definitions = new MiddlewareDefinitions(
      options.locations,
      options.logger,
      options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
    );
    await definitions.reload();
    if (options.watch) definitions.watch();
    return definitions;
  }

  /** The definitions that read, by name. */
  list(): MiddlewareDefinition[] {
    return [...this.definitions.values()];
  }

  /** The definition folders that did not read. */
  problems(): MiddlewareDefinitionProblem[] {
    return [...this.problemList];
  }

  /** Throws NotFoundError, or InputError with the problem of a broken one. */
  get(name: string): MiddlewareDefinition {
    const definition = this.definitions.get(name);
    if (definition) return definition;
    const problem = this.problemList.find(p => p.name === name);
    if (problem) throw new InputError(problem.message);
    throw new NotFoundError(`No middleware definition "${name}"`);
  }

  /** Called after every reload that changed a digest or a problem. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads every location again now (one reload at a time). */
  reload(): Promise<void> {
    this.loading = this.loading.then(() => this.load());
    return this.loading;
  }

  /** Stops watching. */
  close(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }

  private async load(): Promise<void> {
    const definitions = new Map<string, MiddlewareDefinition>();
    const problems: MiddlewareDefinitionProblem[] = [];
    for (const location of this.locations) {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(location, { withFileTypes: true });
      } catch (error) {
        problems.push({
          name: '',
          directory: location,
          message: `middleware location ${location}: ${
            (error as Error).message
          }`,
        });
        continue;
      }
      const folders = entries
        .filter(e => e.isDirectory() && !e.name.startsWith('.'))
        .map(e => e.name)
        .sort();
      for (const name of folders) {
        const directory = path.join(location, name);
        if (!fs.existsSync(path.join(directory, 'definition.yaml'))) continue;
        if (definitions.has(name)) {
          problems.push({
            name,
            directory,
            message: `middleware definition "${name}" in ${directory}: the name is taken by ${
              definitions.get(name)!.directory
            }`,
          });
          continue;
        }
        try {
          definitions.set(name, await readMiddlewareDefinition(directory));
        } catch (error) {
          problems.push({ name, directory, message: (error as Error).message });
        }
      }
    }
    const changed =
      JSON.stringify(this.summary(this.definitions, this.problemList)) !==
      JSON.stringify(this.summary(definitions, problems));
    this.definitions = definitions;
    this.problemList = problems;
    for (const problem of problems) this.logger?.warn(problem.message);
    if (changed) {
      for (const listener of this.listeners) listener();
    }
  }

  private summary(
    definitions: Map<string, MiddlewareDefinition>,
    problems: MiddlewareDefinitionProblem[],
  ) {
    return [
      [...definitions.values()].map(d => [d.name, d.digest]),
      problems.map(p => p.message),
    ];
  }

  private watch() {
    for (const location of this.locations) {
      try {
        const watcher = fs.watch(location, { recursive: true }, () =>
          this.schedule(),
        );
        watcher.on('error', error =>
          this.logger?.warn(
            `Stopped watching middleware location ${location}: ${error}`,
          ),
        );
        this.watchers.push(watcher);
      } catch (error) {
        this.logger?.warn(
          `Cannot watch middleware location ${location}: ${error}`,
        );
      }
    }
  }

  /** Editors write a file in several steps: read once they are done. */
  private schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.reload().catch(error =>
        this.logger?.error(`Reading middleware definitions failed: ${error}`),
      );
    }, this.debounceMs);
    this.timer.unref?.();
  }
}
