import { Health, HealthCheck } from '@internal/plugin-app-platform-common';
import { Knex } from 'knex';
import { pendingMigrations } from '../database/migrateDatabase';

/**
 * Answers whether the plugin can serve: its database answers and its
 * migrations are all applied. Later domains add their own checks here.
 */
export class HealthService {
  private constructor(private readonly knex: Knex) {}

  static create(options: { knex: Knex }): HealthService {
    return new HealthService(options.knex);
  }

  async check(): Promise<Health> {
    const checks = await Promise.all([
      this.run('database', async () => {
        await this.knex.raw('select 1');
        return undefined;
      }),
      this.run('migrations', async () => {
        const pending = await pendingMigrations(this.knex);
        if (pending.length) {
          throw new Error(`pending migrations: ${pending.join(', ')}`);
        }
        return undefined;
      }),
    ]);
    return {
      status: checks.every(c => c.status === 'ok') ? 'ok' : 'degraded',
      checks,
    };
  }

  private async run(
    name: string,
    probe: () => Promise<string | undefined>,
  ): Promise<HealthCheck> {
    try {
      const message = await probe();
      return message ? { name, status: 'ok', message } : { name, status: 'ok' };
    } catch (error) {
      return { name, status: 'failing', message: String(error) };
    }
  }
}
