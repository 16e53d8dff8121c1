import type { SavedSearch, SearchFilter } from '../../../shared/domain'
import { searchFilter } from '../../../shared/contract/search'
import { actor } from '../consent/roles'
import type { ReadDb, WriteDb } from '../db/connection'

interface SavedRow {
  id: number
  name: string
  filter: string
  created_at: string
}

/**
 * A stored filter read back through the contract's own schema, so one saved by an older version
 * whose fields have since changed is dropped field by field rather than breaking the list.
 */
function toSaved(r: SavedRow): SavedSearch {
  const parsed = searchFilter.safeParse(JSON.parse(r.filter))
  return {
    id: r.id,
    name: r.name,
    filter: parsed.success ? parsed.data : {},
    createdAt: r.created_at,
  }
}

/** The filters a profile saved (on a team server, an account's own), by name. */
export function savedSearches(db: ReadDb, ownerId: number): SavedSearch[] {
  const rows = db
    .prepare(
      'SELECT id, name, filter, created_at FROM saved_search WHERE owner_id = ? ORDER BY name, id',
    )
    .all(ownerId) as SavedRow[]
  return rows.map(toSaved)
}

/** Saves a filter under a name for its owner; the same name again replaces it. */
export function saveSearch(
  db: WriteDb,
  input: { actorId: number; name: string; filter: SearchFilter },
  now = new Date().toISOString(),
): SavedSearch {
  const owner = actor(db, input.actorId)
  const row = db
    .prepare(
      `INSERT INTO saved_search (owner_id, name, filter, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (owner_id, name) DO UPDATE SET filter = excluded.filter, created_at = excluded.created_at
       RETURNING id, name, filter, created_at`,
    )
    .get(owner.id, input.name, JSON.stringify(input.filter), now) as SavedRow
  return toSaved(row)
}

/** Deletes one of the owner's saved filters; another profile's is not theirs to delete. */
export function forgetSearch(db: WriteDb, ownerId: number, id: number): boolean {
  return (
    db.prepare('DELETE FROM saved_search WHERE id = ? AND owner_id = ?').run(id, ownerId).changes >
    0
  )
}
