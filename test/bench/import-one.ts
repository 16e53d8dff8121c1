/**
 * Imports one file into a new project in a fresh process and prints JSON: wall time and the
 * process's peak memory (max RSS, audio worker included). Run by test/bench/run.ts once per
 * file, so each peak belongs to that file alone.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { expandImportPaths, importItems } from '../../src/main/core/audio/importer'
import { createProject } from '../../src/main/core/project/projects'
import { audioWorkerFactory } from '../../src/main/hosts/boot'
import { appRoot } from '../support/fixtures'

const file = process.argv[2]
if (!file) throw new Error('usage: import-one.ts FILE')
const dataDir = mkdtempSync(join(tmpdir(), 'sauti-bench-one-'))
const project = await createProject(dataDir, 'bench')
const workers = new AudioWorkers(audioWorkerFactory(appRoot), 1)
const idleRss = process.resourceUsage().maxRSS
const start = performance.now()
const { items } = await expandImportPaths([file])
const summary = await importItems({ db: project.db, paths: project.paths, workers }, items)
const seconds = (performance.now() - start) / 1000
await workers.close()
project.db.close()
rmSync(dataDir, { recursive: true, force: true })
process.stdout.write(
  JSON.stringify({
    file,
    seconds,
    audioSec: summary.durationSec,
    rejected: summary.rejected,
    idleRssKb: idleRss,
    peakRssKb: process.resourceUsage().maxRSS,
  }) + '\n',
)
