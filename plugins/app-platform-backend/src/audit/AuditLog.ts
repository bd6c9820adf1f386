import { Knex } from 'knex';

/** One entry of the audit trail. Details never hold secrets. */
export type AuditEvent = {
  actor: string;
  action: string;
  targetKind: 'cluster' | 'application' | 'server' | 'service' | 'middleware';
  targetName: string;
  details?: Record<string, unknown>;
};

/** Who changed what: written in the same transaction as the change itself. */
export class AuditLog {
  private constructor(private readonly knex: Knex) {}

  static create(options: { knex: Knex }): AuditLog {
    return new AuditLog(options.knex);
  }

  async record(event: AuditEvent, trx: Knex = this.knex): Promise<void> {
    await trx('audit_events').insert({
      actor: event.actor,
      action: event.action,
      target_kind: event.targetKind,
      target_name: event.targetName,
      details: event.details ? JSON.stringify(event.details) : undefined,
    });
  }

  async list(
    targetKind: AuditEvent['targetKind'],
    targetName: string,
  ): Promise<Array<AuditEvent & { createdAt: string }>> {
    const rows = await this.knex('audit_events')
      .where({ target_kind: targetKind, target_name: targetName })
      .orderBy('id', 'asc');
    return rows.map(row => ({
      actor: row.actor,
      action: row.action,
      targetKind: row.target_kind,
      targetName: row.target_name,
      details: row.details ? JSON.parse(row.details) : undefined,
      createdAt: new Date(row.created_at).toISOString(),
    }));
  }
}
