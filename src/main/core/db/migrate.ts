import { SautiError } from '../../../shared/errors'
import type { ReadDb, WriteDb } from './connection'
import { migrations, type Migration } from './migrations'

/** The newest schema version this build of Sauti knows. */
export const latestSchemaVersion: number = checkRegistry(migrations)

function checkRegistry(list: readonly Migration[]): number {
  list.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(
        `migration registry out of order: position ${i + 1} holds version ${m.version}`,
      )
    }
  })
  return list.length
}

export function schemaVersion(db: ReadDb): number {
  return db.pragma('user_version', { simple: true }) as number
}

/**
 * Runs every pending migration, each in its own transaction together with the bump of
 * `user_version`, so a crash leaves the database at a whole version. Refuses a database
 * written by a newer Sauti instead of guessing at its schema.
 */
export function migrate(db: WriteDb, file: string, target: number = latestSchemaVersion): void {
  const current = schemaVersion(db)
  if (current > latestSchemaVersion) {
    throw new SautiError(
      'store',
      `${file} was written by a newer version of Sauti (schema version ${current}; this version knows up to ${latestSchemaVersion}). Update Sauti to open it; the file was not changed.`,
      { file, schemaVersion: current, supported: latestSchemaVersion },
    )
  }
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > target) continue
    db.transaction(() => {
      migration.up(db)
      db.pragma(`user_version = ${migration.version}`)
    }).immediate()
  }
}
