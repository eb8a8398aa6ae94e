import type pg from 'pg';

/** How a transaction starts, e.g. `BEGIN` or `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY`. */
export type PostgresBegin = 'BEGIN' | 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY';

/**
 * Runs `work` on one pooled connection inside a transaction: committed when `work` resolves,
 * rolled back when it throws (the error is rethrown). A connection whose rollback fails is
 * destroyed rather than returned to the pool in an unknown state.
 */
export async function withPostgresTransaction<Result>(
  pool: pg.Pool,
  begin: PostgresBegin,
  work: (client: pg.PoolClient) => Promise<Result>,
): Promise<Result> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
