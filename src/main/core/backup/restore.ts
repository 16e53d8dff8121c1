import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { cp, mkdir, readdir, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import type { AuditReport } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { openDatabase } from '../db/connection'
import { latestSchemaVersion } from '../db/migrate'
import { isValidProjectId, projectPaths } from '../project/paths'
import { verifyProject } from '../provenance/audit'
import { manifestName, projectFolder, type BackupManifest } from './backup'

export interface BackupCheck {
  manifest: BackupManifest
  integrity: string
  audit: AuditReport
  /** Recordings whose audio is missing from the backup or does not match its hash (purged ones aside). */
  badAudio: { recordingId: number; file: string; problem: 'missing' | 'hash mismatch' }[]
}

export interface RestoreReport extends BackupCheck {
  projectId: string
  dir: string
  /** Where the project that was there before went (with --replace). */
  previous: string | null
  /** Registered models the backup names that this data folder lacks (register their weights again). */
  missingModels: { id: string; name: string; importedFrom: string }[]
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject)
  })
}

/**
 * Checks a backup without changing anything: the manifest, SQLite's integrity_check, the audit
 * chain of every revision (`sauti audit verify`), and every recording's audio against its hash.
 */
export async function checkBackup(dir: string): Promise<BackupCheck> {
  const manifestFile = join(dir, manifestName)
  if (!existsSync(manifestFile))
    throw new SautiError('not_found', `${dir} is not a Sauti backup (no ${manifestName})`)
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as BackupManifest
  if (manifest.format !== 1)
    throw new SautiError('bad_input', `${dir}: unknown backup format ${String(manifest.format)}`)
  if (manifest.schemaVersion > latestSchemaVersion)
    throw new SautiError(
      'store',
      `${dir} was made by a newer Sauti (schema ${manifest.schemaVersion}); upgrade before restoring`,
    )
  const root = join(dir, projectFolder)
  const dbFile = join(root, 'project.sqlite')
  if (!existsSync(dbFile)) throw new SautiError('bad_input', `${dir}: the database is missing`)
  // Checked on a read-only connection: the backup is not migrated or otherwise touched.
  const db = openDatabase(dbFile, { inspectOnly: true })
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ')
    const audit = verifyProject(db)
    const recordings = db
      .prepare('SELECT id, sha256, format FROM recording WHERE purged_at IS NULL ORDER BY id')
      .all() as { id: number; sha256: string; format: string }[]
    const badAudio: BackupCheck['badAudio'] = []
    for (const r of recordings) {
      const file = join('audio', `${r.sha256}.${r.format}`)
      const path = join(root, file)
      if (!existsSync(path)) badAudio.push({ recordingId: r.id, file, problem: 'missing' })
      else if ((await sha256File(path)) !== r.sha256)
        badAudio.push({ recordingId: r.id, file, problem: 'hash mismatch' })
    }
    return { manifest, integrity, audit, badAudio }
  } finally {
    db.close()
  }
}

/**
 * `sauti restore`: checks the backup, and only when it is whole puts it in the data folder as
 * the project (the manifest's id unless another is given). An existing project is kept aside,
 * renamed, and only with `replace`. The database is migrated when the project is next opened.
 */
export async function restoreBackup(options: {
  backup: string
  dataDir: string
  projectId?: string
  replace?: boolean
  now?: Date
}): Promise<RestoreReport> {
  const check = await checkBackup(options.backup)
  const projectId = options.projectId ?? check.manifest.projectId
  if (!isValidProjectId(projectId))
    throw new SautiError('validation', `"${projectId}" is not a valid project id`)
  if (check.integrity !== 'ok' || !check.audit.ok || check.badAudio.length > 0)
    throw new SautiError(
      'store',
      `the backup in ${options.backup} is damaged (integrity: ${check.integrity}; audit: ${check.audit.broken.length} broken chain(s); audio: ${check.badAudio.length} missing or changed file(s)); nothing was restored`,
      { check },
    )
  const paths = projectPaths(options.dataDir, projectId)
  let previous: string | null = null
  if (existsSync(paths.root)) {
    if (!options.replace)
      throw new SautiError(
        'conflict',
        `project "${projectId}" exists in ${options.dataDir}: restore under another id, or replace it`,
      )
    const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-')
    previous = `${paths.root}.before-restore-${stamp}`
    await rename(paths.root, previous)
  }
  await mkdir(join(options.dataDir, 'projects'), { recursive: true })
  const staging = `${paths.root}.incoming-restore`
  await cp(join(options.backup, projectFolder), staging, { recursive: true })
  await rename(staging, paths.root)
  const registered = new Set(await readdir(join(options.dataDir, 'models')).catch(() => []))
  const missingModels: RestoreReport['missingModels'] = []
  const modelsDir = join(options.backup, 'models')
  if (existsSync(modelsDir))
    for (const id of await readdir(modelsDir)) {
      if (registered.has(id)) continue
      const json = JSON.parse(await readFile(join(modelsDir, id, 'model.json'), 'utf8')) as {
        name: string
        registration: { importedFrom: string }
      }
      missingModels.push({ id, name: json.name, importedFrom: json.registration.importedFrom })
    }
  return { ...check, projectId, dir: paths.root, previous, missingModels }
}
