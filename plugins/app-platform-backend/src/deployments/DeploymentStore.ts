import { ConflictError, InputError } from '@backstage/errors';
import {
  DeploymentAction,
  DeploymentEvent,
  DeploymentPage,
  DeploymentRecord,
  DeploymentTarget,
  DeploySpec,
  VersionSpec,
} from '@internal/plugin-app-platform-common';
import { Knex } from 'knex';
import { isUniqueViolation } from '../database/isUniqueViolation';
import { toIsoString, toOptionalIsoString } from '../database/toIsoString';

/** A new record as the deploy service decides it. */
export type NewDeployment = {
  id: string;
  application: string;
  service: string;
  action: DeploymentAction;
  version?: number;
  spec?: DeploySpec;
  previousSpec?: DeploySpec;
  specHash?: string;
  rollbackOf?: string;
  promotedFrom?: string;
  createdBy: string;
  description?: string;
  summary: string;
  clusters: string[];
};

/** What the engine needs of a record to converge a cluster to it. */
export type DeploymentRow = DeploymentRecord & { specHash?: string };

/** What the engine's cheap look at a cluster needs of a record. */
export type DeploymentSummary = {
  id: string;
  action: DeploymentAction;
  specHash?: string;
  serviceType?: string;
};

/** PostgreSQL and SQLite both take this many bound values in one `IN`. */
const IN_CHUNK = 500;

const TERMINAL = new Set<DeploymentTarget['state']>(['succeeded', 'failed']);

function parse<T>(value: unknown): T | undefined {
  return typeof value === 'string' ? (JSON.parse(value) as T) : undefined;
}

function toTarget(row: any): DeploymentTarget {
  return {
    cluster: row.cluster,
    state: row.state,
    reason: row.reason ?? undefined,
    message: row.message ?? undefined,
    startedAt: toOptionalIsoString(row.started_at),
    finishedAt: toOptionalIsoString(row.finished_at),
  };
}

function toRecord(row: any, targets: DeploymentTarget[]): DeploymentRow {
  return {
    id: row.id,
    application: row.application,
    service: row.service,
    action: row.action,
    state: row.state,
    version:
      row.version === null || row.version === undefined
        ? undefined
        : Number(row.version),
    spec: parse<DeploySpec>(row.spec),
    previousSpec: parse<DeploySpec>(row.previous_spec),
    specHash: row.spec_hash ?? undefined,
    rollbackOf: row.rollback_of ?? undefined,
    promotedFrom: row.promoted_from ?? undefined,
    createdBy: row.created_by,
    description: row.description ?? undefined,
    summary: row.summary,
    targets,
    createdAt: toIsoString(row.created_at),
    finishedAt: toOptionalIsoString(row.finished_at),
  };
}

/** Encodes a history position: creation time and id, so equal times page stably. */
function encodeCursor(record: DeploymentRecord): string {
  return Buffer.from(`${record.createdAt}|${record.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url')
    .toString('utf8')
    .split('|');
  const date = new Date(createdAt);
  if (!id || Number.isNaN(date.getTime())) {
    throw new InputError('before: not a cursor of this history');
  }
  return { createdAt: date, id };
}

/**
 * Deployment records, their per-cluster targets and timelines, and
 * `service_clusters` (which record each cluster should run). The state
 * machines live here: a target goes pending → applying → deploying →
 * succeeded | failed; a record is deploying until every target is terminal.
 */
export class DeploymentStore {
  private constructor(private readonly knex: Knex) {}

  static create(options: { knex: Knex }): DeploymentStore {
    return new DeploymentStore(options.knex);
  }

  /**
   * Writes the record (in flight), its targets and the desired state of its
   * clusters. A record already in flight for the service makes this a 409
   * naming it, decided by the unique index so two replicas cannot both win.
   */
  async insert(record: NewDeployment, trx: Knex): Promise<void> {
    const now = new Date();
    try {
      // A savepoint: the failed insert must not abort the caller's transaction on PostgreSQL.
      await trx.transaction(async inner => {
        await inner('deployments').insert({
          id: record.id,
          application: record.application,
          service: record.service,
          action: record.action,
          state: 'deploying',
          version: record.version,
          spec: record.spec ? JSON.stringify(record.spec) : undefined,
          previous_spec: record.previousSpec
            ? JSON.stringify(record.previousSpec)
            : undefined,
          spec_hash: record.specHash,
          rollback_of: record.rollbackOf,
          promoted_from: record.promotedFrom,
          created_by: record.createdBy,
          description: record.description,
          summary: record.summary,
          in_flight: 1,
          created_at: now,
        });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const running = await this.inFlight(
        record.application,
        record.service,
        trx,
      );
      throw new ConflictError(
        `Service "${record.application}/${
          record.service
        }" has a deployment in flight: ${
          running
            ? `${running.id} (${running.action} by ${running.createdBy})`
            : 'another one'
        }; wait for it to finish`,
      );
    }
    await trx('deployment_targets').insert(
      record.clusters.map(cluster => ({
        deployment_id: record.id,
        cluster,
        state: 'pending',
        started_at: now,
      })),
    );
    for (const cluster of record.clusters) {
      await trx('service_clusters')
        .insert({
          application: record.application,
          service: record.service,
          cluster,
          deployment_id: record.id,
          // Nothing placed yet; a row that exists keeps what it knows.
          placed_kinds: JSON.stringify([]),
        })
        .onConflict(['application', 'service', 'cluster'])
        .merge(['deployment_id']);
    }
  }

  /** Sets the version a record applies, once numbered, and its rendered hash. */
  async setVersion(
    id: string,
    version: number,
    specHash: string,
    trx: Knex,
  ): Promise<void> {
    await trx('deployments')
      .where({ id })
      .update({ version, spec_hash: specHash });
  }

  async inFlight(
    application: string,
    service: string,
    trx: Knex = this.knex,
  ): Promise<DeploymentRow | undefined> {
    const row = await trx('deployments')
      .where({ application, service, in_flight: 1 })
      .first();
    return row ? this.withTargets(row, trx) : undefined;
  }

  /** The records of these ids, by id, in as few queries as the ids allow. */
  async summaries(ids: string[]): Promise<Map<string, DeploymentSummary>> {
    const unique = [...new Set(ids)];
    const byId = new Map<string, DeploymentSummary>();
    for (let i = 0; i < unique.length; i += IN_CHUNK) {
      const rows = await this.knex('deployments')
        .whereIn('id', unique.slice(i, i + IN_CHUNK))
        .select('id', 'action', 'spec_hash', 'spec');
      for (const row of rows) {
        byId.set(row.id, {
          id: row.id,
          action: row.action,
          specHash: row.spec_hash ?? undefined,
          serviceType: parse<VersionSpec>(row.spec)?.serviceType,
        });
      }
    }
    return byId;
  }

  /** Those of the records whose target on the cluster is still `pending`. */
  async pendingOn(cluster: string, ids: string[]): Promise<Set<string>> {
    const pending = new Set<string>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += IN_CHUNK) {
      const rows: Array<{ deployment_id: string }> = await this.knex(
        'deployment_targets',
      )
        .where({ cluster, state: 'pending' })
        .whereIn('deployment_id', unique.slice(i, i + IN_CHUNK))
        .select('deployment_id');
      for (const row of rows) pending.add(row.deployment_id);
    }
    return pending;
  }

  /** Every record still deploying, e.g. to resume them after a restart. */
  async listInFlight(): Promise<DeploymentRow[]> {
    const rows = await this.knex('deployments').where({ in_flight: 1 });
    return Promise.all(rows.map(row => this.withTargets(row)));
  }

  async get(
    id: string,
    trx: Knex = this.knex,
  ): Promise<DeploymentRow | undefined> {
    const row = await trx('deployments').where({ id }).first();
    return row ? this.withTargets(row, trx) : undefined;
  }

  /** The newest record of a service (any state), e.g. the previous spec of a deploy. */
  async latest(
    application: string,
    service: string,
    trx: Knex = this.knex,
  ): Promise<DeploymentRow | undefined> {
    const row = await trx('deployments')
      .where({ application, service })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    return row ? this.withTargets(row, trx) : undefined;
  }

  /** History, newest first, filtered by cluster and result. */
  async list(
    application: string,
    service: string,
    options: {
      limit: number;
      before?: string;
      cluster?: string;
      state?: DeploymentRecord['state'];
    },
  ): Promise<DeploymentPage> {
    const query = this.knex('deployments')
      .where({ application, service })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit + 1);
    if (options.state) query.andWhere({ state: options.state });
    if (options.cluster) {
      query.whereIn(
        'id',
        this.knex('deployment_targets')
          .select('deployment_id')
          .where({ cluster: options.cluster }),
      );
    }
    if (options.before) {
      const { createdAt, id } = decodeCursor(options.before);
      query.andWhere(q =>
        q
          .where('created_at', '<', createdAt)
          .orWhere(q2 =>
            q2.where('created_at', '=', createdAt).andWhere('id', '<', id),
          ),
      );
    }
    const rows = await query;
    const page = rows.slice(0, options.limit);
    const targets = await this.targetsOf(page.map(r => r.id));
    const items = page.map(row => toRecord(row, targets.get(row.id) ?? []));
    return {
      items,
      nextCursor:
        rows.length > options.limit
          ? encodeCursor(items[items.length - 1])
          : undefined,
    };
  }

  /**
   * What each cluster should run for the service: cluster → record, with the
   * kinds (`apiVersion/kind`) the engine may have placed there; undefined
   * when not known (every kind may be there).
   */
  async desired(
    filter: { application?: string; service?: string; cluster?: string },
    trx: Knex = this.knex,
  ): Promise<
    Array<{
      application: string;
      service: string;
      cluster: string;
      deploymentId: string;
      placedKinds?: string[];
    }>
  > {
    const query = trx('service_clusters');
    if (filter.application !== undefined)
      query.where({ application: filter.application });
    if (filter.service !== undefined) query.where({ service: filter.service });
    if (filter.cluster !== undefined) query.where({ cluster: filter.cluster });
    const rows = await query;
    return rows.map(row => ({
      application: row.application,
      service: row.service,
      cluster: row.cluster,
      deploymentId: row.deployment_id,
      placedKinds: row.placed_kinds ? JSON.parse(row.placed_kinds) : undefined,
    }));
  }

  /** Before objects of these kinds are applied: they may be there from now on. */
  async addPlacedKinds(
    application: string,
    service: string,
    cluster: string,
    kinds: string[],
  ): Promise<void> {
    await this.knex.transaction(async trx => {
      const row = await trx('service_clusters')
        .where({ application, service, cluster })
        .first('placed_kinds');
      // Not known: every kind is listed anyway, until a complete apply.
      if (!row?.placed_kinds) return;
      const known: string[] = JSON.parse(row.placed_kinds);
      const added = kinds.filter(k => !known.includes(k));
      if (!added.length) return;
      await trx('service_clusters')
        .where({ application, service, cluster })
        .update({ placed_kinds: JSON.stringify([...known, ...added]) });
    });
  }

  /**
   * After a complete apply and prune of the record: only its kinds are
   * there. A newer record placed since keeps what it recorded.
   */
  async setPlacedKinds(
    application: string,
    service: string,
    cluster: string,
    deploymentId: string,
    kinds: string[],
  ): Promise<void> {
    await this.knex('service_clusters')
      .where({ application, service, cluster, deployment_id: deploymentId })
      .update({ placed_kinds: JSON.stringify(kinds) });
  }

  /** A cluster no longer holds anything of the service (after a delete). */
  async forgetCluster(
    application: string,
    service: string,
    cluster: string,
    deploymentId: string,
  ): Promise<void> {
    await this.knex('service_clusters')
      .where({ application, service, cluster, deployment_id: deploymentId })
      .delete();
  }

  /**
   * Moves a target of an in-flight record to a new state. Terminal targets
   * stay as they are unless `reopen` (a failed apply that later succeeded
   * while the record is still in flight). Returns whether it changed.
   */
  async updateTarget(
    id: string,
    cluster: string,
    change: {
      state: DeploymentTarget['state'];
      reason?: string;
      message?: string;
    },
    options?: { reopen?: boolean },
  ): Promise<boolean> {
    // One statement: each cluster of a deploy moves its target twice on the
    // way to its first request, and every statement on SQLite's one
    // connection waits for the other clusters' ones.
    const query = this.knex('deployment_targets')
      .where({ deployment_id: id, cluster })
      // The same state for the same reason is no change.
      .where(differs =>
        differs
          .whereNot('state', change.state)
          .orWhere(reason =>
            change.reason === undefined
              ? reason.whereNotNull('reason')
              : reason.whereNull('reason').orWhereNot('reason', change.reason),
          ),
      )
      .whereIn(
        'deployment_id',
        this.knex('deployments').select('id').where({ id, in_flight: 1 }),
      );
    if (!options?.reopen) query.whereNotIn('state', [...TERMINAL]);
    const updated = await query.update({
      state: change.state,
      reason: change.reason ?? null,
      message: change.message ?? null,
      finished_at: TERMINAL.has(change.state) ? new Date() : null,
    });
    return updated > 0;
  }

  /**
   * Ends a record whose targets are all terminal: `succeeded` when every one
   * succeeded, else `failed`. Returns the final state, or undefined when it
   * is not finished (or was finished already, by another replica).
   */
  async completeIfSettled(
    id: string,
  ): Promise<DeploymentRecord['state'] | undefined> {
    return this.knex.transaction(async trx => {
      const targets = await trx('deployment_targets').where({
        deployment_id: id,
      });
      if (targets.some(t => !TERMINAL.has(t.state))) return undefined;
      const state = targets.every(t => t.state === 'succeeded')
        ? 'succeeded'
        : 'failed';
      const updated = await trx('deployments')
        .where({ id, in_flight: 1 })
        .update({ state, in_flight: null, finished_at: new Date() });
      return updated ? state : undefined;
    });
  }

  /** Fails every unsettled target of a record, e.g. past its deadline. */
  async failUnsettled(id: string, reason: string, message: string) {
    await this.knex('deployment_targets')
      .where({ deployment_id: id })
      .whereNotIn('state', [...TERMINAL])
      .update({ state: 'failed', reason, message, finished_at: new Date() });
  }

  async addEvents(
    id: string,
    events: Array<DeploymentEvent & { key?: string }>,
  ): Promise<void> {
    if (!events.length) return;
    await this.knex('deployment_events')
      .insert(
        events.map(e => ({
          deployment_id: id,
          cluster: e.cluster,
          at: new Date(e.at),
          type: e.type,
          reason: e.reason.slice(0, 128),
          object: e.object?.slice(0, 320),
          message: e.message,
          source: e.source,
          event_key: e.key,
        })),
      )
      .onConflict(['deployment_id', 'event_key'])
      .ignore();
  }

  async events(id: string): Promise<DeploymentEvent[]> {
    const rows = await this.knex('deployment_events')
      .where({ deployment_id: id })
      .orderBy([
        { column: 'at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(row => ({
      at: toIsoString(row.at),
      cluster: row.cluster ?? undefined,
      type: row.type,
      reason: row.reason,
      object: row.object ?? undefined,
      message: row.message,
      source: row.source,
    }));
  }

  private async withTargets(
    row: any,
    trx: Knex = this.knex,
  ): Promise<DeploymentRow> {
    const targets = await this.targetsOf([row.id], trx);
    return toRecord(row, targets.get(row.id) ?? []);
  }

  /** The targets of several records, by record id. */
  async targetsOf(
    ids: string[],
    trx: Knex = this.knex,
  ): Promise<Map<string, DeploymentTarget[]>> {
    const byId = new Map<string, DeploymentTarget[]>();
    if (!ids.length) return byId;
    const rows = await trx('deployment_targets')
      .whereIn('deployment_id', ids)
      .orderBy(['deployment_id', 'cluster']);
    for (const row of rows) {
      const list = byId.get(row.deployment_id) ?? [];
      list.push(toTarget(row));
      byId.set(row.deployment_id, list);
    }
    return byId;
  }
}
