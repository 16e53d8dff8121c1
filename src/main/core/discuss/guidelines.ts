import type { Guidelines, GuidelinesVersion } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { requireLead } from '../consent/roles'
import type { WriteDb } from '../db/connection'

interface VersionRow {
  id: number
  number: number
  text: string
  author: string
  created_at: string
}

// The number of a version is its place among all saves, so it never changes once given.
const versionSelect = `
  SELECT g.id, (SELECT count(*) FROM guideline_version e WHERE e.id <= g.id) AS number, g.text,
         a.name AS author, g.created_at
  FROM guideline_version g JOIN annotator a ON a.id = g.author_id`

const toVersion = (r: VersionRow): GuidelinesVersion => ({
  id: r.id,
  number: r.number,
  text: r.text,
  author: r.author,
  createdAt: r.created_at,
})

/** The guidelines as shown: the version asked for (else the newest), and every version's who and when. */
export function guidelines(db: WriteDb, versionId?: number): Guidelines {
  const row = (
    versionId === undefined
      ? db.prepare(`${versionSelect} ORDER BY g.id DESC LIMIT 1`).get()
      : db.prepare(`${versionSelect} WHERE g.id = ?`).get(versionId)
  ) as VersionRow | undefined
  if (versionId !== undefined && !row)
    throw SautiError.saying('not_found', 'noGuidelinesVersion', { id: versionId })
  const versions = (
    db
      .prepare(
        `SELECT g.id, row_number() OVER (ORDER BY g.id) AS number, a.name AS author, g.created_at
         FROM guideline_version g JOIN annotator a ON a.id = g.author_id ORDER BY g.id DESC`,
      )
      .all() as Omit<VersionRow, 'text'>[]
  ).map((r) => ({ id: r.id, number: r.number, author: r.author, createdAt: r.created_at }))
  return { shown: row ? toVersion(row) : null, versions }
}

/**
 * Saves the guidelines as a new version by a lead. A save made on top of an older version is
 * refused, so two leads editing at once do not silently drop each other's changes.
 */
export function saveGuidelines(
  db: WriteDb,
  input: { actorId: number; text: string; baseVersionId: number | null },
  now = new Date().toISOString(),
): GuidelinesVersion {
  return db
    .transaction(() => {
      requireLead(db, input.actorId, 'editGuidelines')
      const newest = db.prepare('SELECT max(id) AS id FROM guideline_version').get() as {
        id: number | null
      }
      if (newest.id !== input.baseVersionId) {
        const head = guidelines(db).shown!
        throw SautiError.saying(
          'conflict',
          'guidelinesSaved',
          { author: head.author, version: head.number },
          { head },
        )
      }
      const id = Number(
        db
          .prepare('INSERT INTO guideline_version (text, author_id, created_at) VALUES (?, ?, ?)')
          .run(input.text, input.actorId, now).lastInsertRowid,
      )
      return guidelines(db, id).shown!
    })
    .immediate()
}
