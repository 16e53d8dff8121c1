import type { Annotator, AnnotatorRole } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { WriteDb, ReadDb } from '../db/connection'

interface AnnotatorRow {
  id: number
  name: string
  role: AnnotatorRole
  languages: string
}

const toAnnotator = (r: AnnotatorRow): Annotator => ({
  id: r.id,
  name: r.name,
  role: r.role,
  languages: JSON.parse(r.languages) as string[],
})

export function listAnnotators(db: WriteDb): Annotator[] {
  return (
    db
      .prepare('SELECT id, name, role, languages FROM annotator ORDER BY name')
      .all() as AnnotatorRow[]
  ).map(toAnnotator)
}

export function createAnnotator(
  db: WriteDb,
  input: { name: string; role: AnnotatorRole; languages: string[] },
  now = new Date().toISOString(),
): Annotator {
  const name = input.name.trim()
  if (db.prepare('SELECT 1 FROM annotator WHERE name = ?').get(name))
    throw SautiError.saying('conflict', 'profileExists', { name })
  const id = Number(
    db
      .prepare('INSERT INTO annotator (name, role, languages, created_at) VALUES (?, ?, ?, ?)')
      .run(name, input.role, JSON.stringify(input.languages), now).lastInsertRowid,
  )
  return { id, name, role: input.role, languages: input.languages }
}

const DEFAULT_LANGUAGE = 'default_language'

export function defaultLanguage(db: ReadDb): string | null {
  const row = db.prepare('SELECT value FROM project_meta WHERE key = ?').get(DEFAULT_LANGUAGE) as
    { value: string } | undefined
  return row?.value ?? null
}

export function setDefaultLanguage(db: WriteDb, language: string | null): void {
  if (language === null) db.prepare('DELETE FROM project_meta WHERE key = ?').run(DEFAULT_LANGUAGE)
  else
    db.prepare(
      'INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(DEFAULT_LANGUAGE, language)
}
