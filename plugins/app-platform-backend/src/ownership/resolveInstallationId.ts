import { Config } from '@backstage/config';
import { Knex } from 'knex';
import { randomBytes } from 'node:crypto';

const SETTING = 'installation_id';

/** A label value: at most 63 characters, alphanumeric at both ends. */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * The id that marks every object this installation creates
 * (`app-platform.io/installation=<id>`): `appPlatform.installationId` when
 * configured, else one generated on first start and kept in the database, so
 * that every replica and every restart agrees on it.
 */
export async function resolveInstallationId(
  config: Config,
  knex: Knex,
): Promise<string> {
  const configured = config.getOptionalString('appPlatform.installationId');
  if (configured !== undefined) {
    if (!LABEL_VALUE.test(configured)) {
      throw new Error(
        `appPlatform.installationId "${configured}" is not a valid label value: at most 63 characters, letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
      );
    }
    return configured;
  }
  // Two replicas starting together both try; the first insert wins and both read it.
  await knex('platform_settings')
    .insert({ key: SETTING, value: `ap-${randomBytes(8).toString('hex')}` })
    .onConflict('key')
    .ignore();
  const row = await knex('platform_settings').where({ key: SETTING }).first();
  return row.value;
}
