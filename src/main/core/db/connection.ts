import Database from 'better-sqlite3'
import { SautiError } from '../../../shared/errors'
import { migrate } from './migrate'

/**
 * A prepared statement on a `ReadDb`: rows can be read from it, but it cannot be `run`. Prepare
 * only SELECT statements on one; better-sqlite3 itself would let `get` run an INSERT … RETURNING.
 */
export interface ReadStatement {
  readonly source: string
  /** Whether the statement returns rows. */
  readonly reader: boolean
  get(...params: unknown[]): unknown
  all(...params: unknown[]): unknown[]
  iterate(...params: unknown[]): IterableIterator<unknown>
  columns(): Database.ColumnDefinition[]
}

/**
 * A project database as code that only reads it sees it (ranking, reports, evaluation; after
 * Signal's typed read and write handles): statements to read, pragmas to read, read
 * transactions for one consistent snapshot over several queries. No `exec`, no `run`.
 */
export interface ReadDb {
  readonly name: string
  readonly open: boolean
  readonly readonly: boolean
  readonly inTransaction: boolean
  prepare(source: string): ReadStatement
  /** For reading a pragma (`user_version`, `integrity_check`); setting one is a write. */
  pragma(source: string, options?: Database.PragmaOptions): unknown
  transaction<F extends (...params: never[]) => unknown>(fn: F): Database.Transaction<F>
  close(): unknown
}

/** A project database with everything better-sqlite3 offers, writes included. */
export type WriteDb = Database.Database

export interface OpenDatabaseOptions {
  /**
   * Path of a better-sqlite3 addon built for another ABI. The Electron host passes its own
   * build here; plain Node (CLI, server, tests) uses the package's default build.
   */
  nativeBinding?: string
  /** Open without running migrations (doctor inspects databases it must not change). */
  inspectOnly?: boolean
}

/**
 * Opens (creating if needed) a project database in WAL mode and brings it to the current schema;
 * with `inspectOnly`, opens an existing one read-only, as it is.
 */
export function openDatabase(
  file: string,
  options: OpenDatabaseOptions & { inspectOnly: true },
): ReadDb
export function openDatabase(file: string, options?: OpenDatabaseOptions): WriteDb
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): WriteDb {
  let db: WriteDb
  try {
    db = new Database(file, {
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      ...(options.inspectOnly ? { readonly: true, fileMustExist: true } : {}),
    })
  } catch (error) {
    throw new SautiError('store', `Cannot open the database ${file}: ${(error as Error).message}`, {
      file,
    })
  }
  try {
    if (!options.inspectOnly) {
      db.pragma('journal_mode = WAL')
      // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose
      // the last transactions, never corrupt the file.
      db.pragma('synchronous = NORMAL')
    }
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    if (!options.inspectOnly) migrate(db, file)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}
