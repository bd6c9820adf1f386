import { Knex } from 'knex';

/**
 * Listeners told after a store changed a row, e.g. to push a signal to
 * browsers or an event to the catalog. Listeners must not throw or block.
 */
export class ChangeNotifier<T> {
  private readonly listeners: Array<(change: T) => void> = [];

  on(listener: (change: T) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Tells the listeners once the write is visible: at once outside a
   * transaction, after the commit inside one (never after a rollback), so a
   * listener that reads the row back sees the change.
   */
  notifyAfter(db: Knex, change: T): void {
    const trx = db as unknown as Partial<Knex.Transaction>;
    if (trx.isTransaction && trx.executionPromise) {
      trx.executionPromise.then(
        () => this.notify(change),
        () => {},
      );
    } else {
      this.notify(change);
    }
  }

  private notify(change: T): void {
    for (const listener of this.listeners) listener(change);
  }
}
