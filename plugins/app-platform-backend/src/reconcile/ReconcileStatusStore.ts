import { Knex } from 'knex';
import { ChangeNotifier } from '../database/ChangeNotifier';
import { toIsoString, toOptionalIsoString } from '../database/toIsoString';

/** What the reconciler knows of one target on one cluster. */
export type TargetState = 'pending' | 'ready' | 'failed' | 'deleting';

/** One row of `reconcile_targets`. */
export type TargetStatus = {
  domain: string;
  target: string;
  cluster: string;
  state: TargetState;
  reason?: string;
  attempts: number;
  nextAttemptAt?: string;
  lastAttemptAt?: string;
  updatedAt: string;
};

function toStatus(row: any): TargetStatus {
  return {
    domain: row.domain,
    target: row.target,
    cluster: row.cluster,
    state: row.state,
    reason: row.reason ?? undefined,
    attempts: Number(row.attempts),
    nextAttemptAt: toOptionalIsoString(row.next_attempt_at),
    lastAttemptAt: toOptionalIsoString(row.last_attempt_at),
    updatedAt: toIsoString(row.updated_at),
  };
}

/** The `reconcile_targets` table: the status of every (target, cluster) pair. */
export class ReconcileStatusStore {
  /** Told after a target's status changes on any cluster, e.g. to signal browsers. */
  readonly changes = new ChangeNotifier<{ domain: string; target: string }>();

  private constructor(private readonly knex: Knex) {}

  static create(options: { knex: Knex }): ReconcileStatusStore {
    return new ReconcileStatusStore(options.knex);
  }

  /** The statuses of a domain, optionally of one target or on one cluster. */
  async list(
    domain: string,
    filter: { target?: string; cluster?: string; targets?: string[] } = {},
  ): Promise<TargetStatus[]> {
    const query = this.knex('reconcile_targets').where({ domain });
    if (filter.target !== undefined) query.andWhere({ target: filter.target });
    if (filter.targets !== undefined) query.whereIn('target', filter.targets);
    if (filter.cluster !== undefined)
      query.andWhere({ cluster: filter.cluster });
    const rows = await query.orderBy(['target', 'cluster']);
    return rows.map(toStatus);
  }

  /** Records the state of a pair; a success clears the reason and the retries. */
  async record(
    key: { domain: string; target: string; cluster: string },
    status: {
      state: TargetState;
      reason?: string;
      attempts: number;
      nextAttemptAt?: Date;
      attempted?: boolean;
    },
    trx: Knex = this.knex,
  ): Promise<void> {
    const now = new Date();
    const row = {
      ...key,
      state: status.state,
      reason: status.reason ?? null,
      attempts: status.attempts,
      next_attempt_at: status.nextAttemptAt ?? null,
      updated_at: now,
      ...(status.attempted ? { last_attempt_at: now } : {}),
    };
    await trx('reconcile_targets')
      .insert(row)
      .onConflict(['domain', 'target', 'cluster'])
      .merge(Object.keys(row).filter(k => !(k in key)));
    this.changes.notifyAfter(trx, key);
  }

  /** Forgets a pair: its target is gone from that cluster. */
  async forget(key: {
    domain: string;
    target: string;
    cluster: string;
  }): Promise<void> {
    await this.knex('reconcile_targets').where(key).delete();
    this.changes.notifyAfter(this.knex, key);
  }

  /**
   * Starts every pair of a target afresh in `state`, e.g. `deleting` when its
   * desired state turns to absent: earlier failures and retries no longer apply.
   */
  async restartTarget(
    domain: string,
    target: string,
    state: TargetStatus['state'],
    trx: Knex = this.knex,
  ): Promise<void> {
    await trx('reconcile_targets').where({ domain, target }).update({
      state,
      reason: null,
      attempts: 0,
      next_attempt_at: null,
    });
    this.changes.notifyAfter(trx, { domain, target });
  }

  /** Forgets every pair of a target, e.g. when its row is deleted. */
  async forgetTarget(
    domain: string,
    target: string,
    trx: Knex = this.knex,
  ): Promise<void> {
    await trx('reconcile_targets').where({ domain, target }).delete();
    this.changes.notifyAfter(trx, { domain, target });
  }
}
