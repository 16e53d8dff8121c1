import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { isRunning, parseKey } from './owner'
import type { ProjectPaths } from './paths'

/** Folders outside the project a process is writing (an export's), recorded to be found again. */
const OUTSIDE = 'outside'
/** What an outside folder Sauti made is called; nothing else is ever removed from outside. */
const outsideName = /^\.[^/\\]*\.sauti-export-[0-9a-f]{8}$/

/**
 * Records a folder this process writes outside the project (an export being assembled beside its
 * target), so that if the process dies the next start removes it, and a purge reaches it.
 * Returns the function that forgets it once the folder has been renamed into place or removed.
 */
export async function recordOutside(
  paths: ProjectPaths,
  folder: string,
): Promise<() => Promise<void>> {
  const dir = join(paths.stagingDir, OUTSIDE)
  await mkdir(dir, { recursive: true })
  const note = join(dir, randomUUID())
  await writeFile(note, folder)
  return () => rm(note, { force: true })
}

/**
 * Empties the staging folders of processes that are gone (docs/ARCHITECTURE.md, "Owners, jobs
 * and staging"): half-written audio, checkpoints, caches and evidence, and the export folders
 * they recorded outside the project. Folders of live processes, and of processes on other
 * machines, are left alone. Returns the folders removed.
 */
export async function sweepStaging(paths: ProjectPaths): Promise<string[]> {
  const root = join(paths.root, 'staging')
  const removed: string[] = []
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const owner = parseKey(name)
    if (owner && isRunning(owner) !== false) continue
    const folder = join(root, name)
    const notes = await readdir(join(folder, OUTSIDE)).catch(() => [] as string[])
    for (const note of notes) {
      const outside = (await readFile(join(folder, OUTSIDE, note), 'utf8').catch(() => '')).trim()
      if (outsideName.test(basename(outside))) {
        await rm(outside, { recursive: true, force: true })
        removed.push(outside)
      }
    }
    await rm(folder, { recursive: true, force: true })
    removed.push(folder)
  }
  return removed
}
