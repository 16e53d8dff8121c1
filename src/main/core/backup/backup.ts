import { constants, existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BackupSummary } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { listModels } from '../asr/model-store'
import { openDatabase, type WriteDb } from '../db/connection'
import { schemaVersion } from '../db/migrate'
import type { ProjectPaths } from '../project/paths'

/** The manifest a backup folder starts with; `sauti restore` reads it first. */
export interface BackupManifest extends BackupSummary {
  format: 1
  sautiVersion: string
}

export const manifestName = 'backup.json'
export const projectFolder = 'project'

/** Files of the project folder that are not copied file by file: the database and temporaries. */
const skipped = (name: string): boolean =>
  /^project\.sqlite(-wal|-shm|-journal)?$/.test(name) || name.startsWith('.incoming-')

async function copyTree(from: string, to: string): Promise<{ files: number; bytes: number }> {
  let files = 0
  let bytes = 0
  const entries = await readdir(from, { withFileTypes: true }).catch(() => [])
  await mkdir(to, { recursive: true })
  for (const entry of entries) {
    if (skipped(entry.name)) continue
    const source = join(from, entry.name)
    if (entry.isDirectory()) {
      const inner = await copyTree(source, join(to, entry.name))
      files += inner.files
      bytes += inner.bytes
    } else if (entry.isFile()) {
      // A purge may remove a file while the copy runs: the snapshot still lists it, the restore
      // check says which recording lost its audio.
      try {
        await copyFile(source, join(to, entry.name), constants.COPYFILE_FICLONE)
        files++
        bytes += (await stat(source)).size
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      }
    }
  }
  return { files, bytes }
}

/**
 * An online, consistent copy of an open project (docs/deploy.md, "Backups"): SQLite's backup
 * API copies the database page by page while the server keeps writing, giving the state at
 * one moment; then the audio store and the other files (content-addressed, written before the
 * rows that name them commit, so every recording of the snapshot has its file), and the
 * manifests of the registered models (weights are large and kept at their source: the
 * manifest names it and its sha256).
 */
export async function backupProject(options: {
  db: WriteDb
  paths: ProjectPaths
  projectId: string
  dataDir: string
  out: string
  version: string
}): Promise<BackupSummary> {
  const { out } = options
  if (existsSync(out) && (await readdir(out)).length > 0)
    throw SautiError.saying('conflict', 'backupFolderNotEmpty', { path: out })
  const target = join(out, projectFolder)
  await mkdir(target, { recursive: true })
  try {
    const dbCopy = join(target, 'project.sqlite')
    // After a first step, the rest in one: a write from another connection between two steps
    // restarts the copy, so many small steps might never finish under a steady write load.
    await options.db.backup(dbCopy, { progress: ({ remainingPages }) => remainingPages + 1 })
    const copy = openDatabase(dbCopy, { inspectOnly: true })
    const counts = copy
      .prepare(
        `SELECT (SELECT count(*) FROM recording) AS recordings,
                (SELECT count(*) FROM revision) AS revisions`,
      )
      .get() as { recordings: number; revisions: number }
    const version = schemaVersion(copy)
    copy.close()
    const files = await copyTree(options.paths.root, target)
    const audio = await readdir(join(target, 'audio')).catch(() => [])
    const models = await listModels(options.dataDir)
    for (const model of models) {
      const dir = join(out, 'models', model.id)
      await mkdir(dir, { recursive: true })
      await writeFile(join(dir, 'model.json'), await readFile(join(model.dir, 'model.json')))
    }
    const summary: BackupSummary = {
      dir: out,
      projectId: options.projectId,
      schemaVersion: version,
      recordings: counts.recordings,
      revisions: counts.revisions,
      audioFiles: audio.length,
      audioBytes: files.bytes,
      models: models.length,
      createdAt: new Date().toISOString(),
    }
    const manifest: BackupManifest = { format: 1, sautiVersion: options.version, ...summary }
    await writeFile(join(out, manifestName), `${JSON.stringify(manifest, null, 2)}\n`)
    return summary
  } catch (error) {
    await rm(target, { recursive: true, force: true })
    throw error
  }
}
