import { join } from 'node:path'
import type { AudioWorkers } from '../audio/audio-workers'
import { expandImportPaths, importItems } from '../audio/importer'
import { consentScopes, ensureSpeaker, recordConsent, type Gender } from '../consent/speakers'
import type { OpenDatabaseOptions } from '../db/connection'
import type { WorkControl } from '../jobs'
import { pickColumn, readTable } from '../formats/table'
import { createProject, openProject, projectExists, type OpenProject } from './projects'

export const DEMO_PROJECT_ID = 'demo'
const genders = new Set<Gender>(['female', 'male', 'nonbinary', 'unspecified'])

/**
 * Opens the bundled demo project, creating it on first start from `demo/` (speakers with
 * consent records, then the manifest). A start that was interrupted half-way resumes: the
 * import is idempotent, and the project is marked ready only when it is complete.
 */
export async function ensureDemoProject(
  dataDir: string,
  demoDir: string,
  workers: AudioWorkers,
  control: WorkControl & OpenDatabaseOptions = {},
): Promise<OpenProject> {
  const project = projectExists(dataDir, DEMO_PROJECT_ID)
    ? openProject(dataDir, DEMO_PROJECT_ID, control)
    : await createProject(dataDir, DEMO_PROJECT_ID, {
        ...control,
        name: 'Sauti demo',
        isDemo: true,
      })
  const ready = project.db.prepare("SELECT value FROM project_meta WHERE key = 'demo_ready'").get()
  if (ready) return project
  try {
    await seedSpeakers(project, join(demoDir, 'speakers.tsv'))
    const { items, rejected } = await expandImportPaths([join(demoDir, 'manifest.tsv')])
    const summary = await importItems(
      { db: project.db, paths: project.paths, workers },
      items,
      control,
    )
    const problems = [...rejected, ...summary.rejected]
    if (problems.length > 0) {
      throw new Error(
        `the bundled demo project could not be imported: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      )
    }
    if (!control.signal?.aborted) {
      project.db
        .prepare("INSERT INTO project_meta (key, value) VALUES ('demo_ready', ?)")
        .run(new Date().toISOString())
    }
    return project
  } catch (error) {
    project.db.close()
    throw error
  }
}

async function seedSpeakers(project: OpenProject, file: string): Promise<void> {
  const { header, rows } = await readTable(file)
  const col = (names: string[]): string | undefined => pickColumn(header, names)
  const [code, age, gender, dialect, l1, other, notes] = [
    col(['code', 'speaker']),
    col(['age_band']),
    col(['gender']),
    col(['dialect']),
    col(['first_language']),
    col(['other_languages']),
    col(['notes']),
  ]
  if (!code) throw new Error(`${file}: no "code" column`)
  const db = project.db
  const now = new Date().toISOString()
  db.transaction(() => {
    for (const { values } of rows) {
      const v = (c: string | undefined): string | null => (c && values[c]) || null
      const existing = db.prepare('SELECT id FROM speaker WHERE code = ?').get(v(code))
      if (existing) continue
      const g = v(gender) as Gender | null
      const speakerId = ensureSpeaker(
        db,
        {
          code: v(code)!,
          ageBand: v(age),
          gender: g && genders.has(g) ? g : 'unspecified',
          dialect: v(dialect),
          firstLanguage: v(l1),
          otherLanguages: (v(other) ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
          notes: v(notes) ?? '',
        },
        now,
      )
      // Synthetic voices: no person's consent is needed, which the record says in so many words.
      for (const scope of consentScopes) {
        recordConsent(
          db,
          {
            speakerId,
            scope,
            grantedAt: now,
            evidenceNote: 'synthetic voice (espeak-ng); no natural person',
          },
          now,
        )
      }
    }
  }).immediate()
}
