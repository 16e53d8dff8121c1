import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { expandImportPaths, importItems } from '../../src/main/core/audio/importer'
import { createProject, type OpenProject } from '../../src/main/core/project/projects'
import { audioWorkerFactory } from '../../src/main/hosts/boot'
import { snapshot } from '../support/db'
import { appRoot, demoDir } from '../support/fixtures'

/** A 1.5 MB filesystem, so the 16 kHz copy of a one-minute recording cannot fit. */
const mountPoint = mkdtempSync(join(tmpdir(), 'sauti-full-'))
function tryMount(): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1536k', 'tmpfs', mountPoint], {
      stdio: 'pipe',
    })
    return null
  } catch (error) {
    return `cannot mount a small tmpfs here (needs root): ${(error as Error).message.split('\n')[0]}`
  }
}
const cannotMount = tryMount()

describe.skipIf(cannotMount !== null)(
  `a full disk during import (${cannotMount ?? 'tmpfs mounted'})`,
  () => {
    let project: OpenProject
    let workers: AudioWorkers
    beforeAll(async () => {
      mkdirSync(join(mountPoint, 'data'))
      project = await createProject(join(mountPoint, 'data'), 'full')
      workers = new AudioWorkers(audioWorkerFactory(appRoot), 1)
    })
    afterAll(async () => {
      await workers?.close()
      project?.db.close()
      execFileSync('umount', [mountPoint])
      rmSync(mountPoint, { recursive: true, force: true })
    })

    it('names the file and the problem, and leaves nothing behind', async () => {
      const before = snapshot(project.db)
      const file = join(demoDir, 'audio', 'market-day-long.flac')
      const { items } = await expandImportPaths([file])
      const summary = await importItems({ db: project.db, paths: project.paths, workers }, items)
      expect(summary.imported).toBe(0)
      expect(summary.rejected).toEqual([
        {
          path: file,
          message: `${file}: could not store the audio (the disk is full); nothing was imported.`,
        },
      ])
      expect(snapshot(project.db)).toEqual(before)
      const leftovers = [
        project.paths.audioDir,
        project.paths.pcmDir,
        project.paths.peaksDir,
      ].flatMap((d) => {
        try {
          return readdirSync(d)
        } catch {
          return []
        }
      })
      expect(leftovers).toEqual([])
    })
  },
)
