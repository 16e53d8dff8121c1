import { join } from 'node:path'
import { homedir } from 'node:os'
import { readdir, rm, stat } from 'node:fs/promises'
import type { AudioFormat } from '../../../shared/domain'
import { keyOf, thisProcess } from './owner'

/** Where one project keeps its database, audio originals and caches. */
export interface ProjectPaths {
  root: string
  db: string
  audioDir: string
  pcmDir: string
  peaksDir: string
  /**
   * This process's staging folder (`staging/<host>-<pid>-<start>`): every file is written here
   * first and renamed into the store when whole, so what a killed process leaves is in one place,
   * which the next start empties (project/staging.ts).
   */
  stagingDir: string
}

export function projectPaths(dataDir: string, projectId: string): ProjectPaths {
  const root = join(dataDir, 'projects', projectId)
  return {
    root,
    db: join(root, 'project.sqlite'),
    audioDir: join(root, 'audio'),
    pcmDir: join(root, 'cache', 'pcm16k'),
    peaksDir: join(root, 'cache', 'peaks'),
    stagingDir: join(root, 'staging', keyOf(thisProcess())),
  }
}

export const originalPath = (p: ProjectPaths, sha256: string, format: AudioFormat): string =>
  join(p.audioDir, `${sha256}.${format}`)
export const pcmPath = (p: ProjectPaths, sha256: string): string => join(p.pcmDir, `${sha256}.f32`)
export const peaksPath = (p: ProjectPaths, sha256: string): string =>
  join(p.peaksDir, `${sha256}.peaks`)

/**
 * The per-user application data folder, the same one Electron's app.getPath('userData')
 * gives for productName "Sauti", so the desktop app and the CLI share projects.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.SAUTI_DATA_DIR) return env.SAUTI_DATA_DIR
  if (platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Sauti')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Sauti')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Sauti')
}

const projectIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/

/** Project ids become folder names: lowercase letters, digits and dashes only. */
export function isValidProjectId(id: string): boolean {
  return projectIdPattern.test(id)
}

/**
 * Removes temporary files that versions before the staging folder left in the store's folders
 * (`.incoming-*`, see audio/prepare.ts). Only files older than a day: an older Sauti, such as a
 * `sauti import` beside the desktop app, may be writing fresh ones there right now. This
 * version writes into its staging folder, which the next start empties at once.
 */
export async function sweepIncoming(p: ProjectPaths, olderThanMs = 24 * 3600_000): Promise<number> {
  let removed = 0
  for (const dir of [p.audioDir, p.pcmDir, p.peaksDir]) {
    const names = await readdir(dir).catch(() => [] as string[])
    for (const name of names.filter((n) => n.startsWith('.incoming-'))) {
      const file = join(dir, name)
      const info = await stat(file).catch(() => null)
      if (info && Date.now() - info.mtimeMs > olderThanMs) {
        await rm(file, { force: true })
        removed++
      }
    }
  }
  return removed
}
