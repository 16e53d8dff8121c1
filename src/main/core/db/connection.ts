import Database from 'better-sqlite3'
import { SautiError } from '../../../shared/errors'
import { migrate } from './migrate'

export type Db = Database.Database

export interface OpenDatabaseOptions {
  /**
   * Path of a better-sqlite3 addon built for another ABI. The Electron host passes its own
   * build here; plain Node (CLI, server, tests) uses the package's default build.
   */
  nativeBinding?: string
  /** Open without running migrations (doctor inspects databases it must not change). */
  inspectOnly?: boolean
}

/** Opens (creating if needed) a project database in WAL mode and brings it to the current schema. */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  let db: Db
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
