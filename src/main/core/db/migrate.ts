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
    if (migration.rebuildsTables) rebuilding(db, migration)
    else
      db.transaction(() => {
        migration.up(db)
        db.pragma(`user_version = ${migration.version}`)
      }).immediate()
  }
}

/**
 * A migration that rebuilds a table other tables point at (SQLite's twelve-step way): foreign
 * keys are off while it runs, since dropping the old table would otherwise fail on every row
 * pointing at it, and every reference is checked before it commits.
 */
function rebuilding(db: WriteDb, migration: Migration): void {
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1
  db.pragma('foreign_keys = OFF')
  try {
    db.transaction(() => {
      migration.up(db)
      const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[]
      if (broken.length > 0)
        throw new SautiError(
          'store',
          `migration ${migration.version} (${migration.name}) would leave ${broken.length} broken references (first: ${broken[0]!.table} → ${broken[0]!.parent}); nothing was changed.`,
        )
      db.pragma(`user_version = ${migration.version}`)
    }).immediate()
  } finally {
    if (enforced) db.pragma('foreign_keys = ON')
  }
}
