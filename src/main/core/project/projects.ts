import { existsSync } from 'node:fs'
import { mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ProjectRef } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { openDatabase, type WriteDb, type OpenDatabaseOptions, type ReadDb } from '../db/connection'
import { isValidProjectId, projectPaths, type ProjectPaths } from './paths'

export interface OpenProject {
  ref: ProjectRef
  paths: ProjectPaths
  db: WriteDb
}

function readMeta(db: ReadDb, key: string): string | undefined {
  return (
    db.prepare('SELECT value FROM project_meta WHERE key = ?').get(key) as
      { value: string } | undefined
  )?.value
}

function checkId(id: string): void {
  if (!isValidProjectId(id)) {
    throw new SautiError(
      'validation',
      `"${id}" is not a valid project id: use 1–63 lowercase letters, digits and dashes.`,
    )
  }
}

export function projectExists(dataDir: string, id: string): boolean {
  return isValidProjectId(id) && existsSync(projectPaths(dataDir, id).db)
}

export async function createProject(
  dataDir: string,
  id: string,
  options: { name?: string; isDemo?: boolean } & OpenDatabaseOptions = {},
): Promise<OpenProject> {
  checkId(id)
  const paths = projectPaths(dataDir, id)
  if (existsSync(paths.db))
    throw new SautiError('conflict', `project "${id}" already exists in ${dataDir}`)
  await mkdir(paths.root, { recursive: true })
  const db = openDatabase(paths.db, options)
  const now = new Date().toISOString()
  const put = db.prepare('INSERT INTO project_meta (key, value) VALUES (?, ?)')
  db.transaction(() => {
    put.run('name', options.name ?? id)
    put.run('created_at', now)
    put.run('is_demo', options.isDemo ? '1' : '0')
  }).immediate()
  return {
    ref: { id, name: options.name ?? id, dbPath: paths.db, isDemo: !!options.isDemo },
    paths,
    db,
  }
}

export function openProject(
  dataDir: string,
  id: string,
  options: OpenDatabaseOptions = {},
): OpenProject {
  checkId(id)
  const paths = projectPaths(dataDir, id)
  if (!existsSync(paths.db)) {
    throw new SautiError(
      'not_found',
      `no project "${id}" in ${dataDir} (create it with \`sauti import --project ${id} <files>\`)`,
    )
  }
  const db = openDatabase(paths.db, options)
  const ref: ProjectRef = {
    id,
    name: readMeta(db, 'name') ?? id,
    dbPath: paths.db,
    isDemo: readMeta(db, 'is_demo') === '1',
  }
  return { ref, paths, db }
}

/** Projects in the data folder, read without migrating them. */
export async function listProjects(
  dataDir: string,
  options: OpenDatabaseOptions = {},
): Promise<ProjectRef[]> {
  const root = join(dataDir, 'projects')
  const entries = await readdir(root, { withFileTypes: true }).catch(() => [])
  const refs: ProjectRef[] = []
  for (const entry of entries) {
    if (!entry.isDirectory() || !isValidProjectId(entry.name)) continue
    const paths = projectPaths(dataDir, entry.name)
    if (!existsSync(paths.db)) continue
    let db: ReadDb | undefined
    try {
      db = openDatabase(paths.db, { ...options, inspectOnly: true })
      refs.push({
        id: entry.name,
        name: readMeta(db, 'name') ?? entry.name,
        dbPath: paths.db,
        isDemo: readMeta(db, 'is_demo') === '1',
      })
    } catch {
      refs.push({ id: entry.name, name: entry.name, dbPath: paths.db, isDemo: false })
    } finally {
      db?.close()
    }
  }
  return refs.sort((a, b) => a.id.localeCompare(b.id))
}
