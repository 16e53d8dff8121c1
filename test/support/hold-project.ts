/**
 * A stand-in for a Sauti process that is busy with a project (the owner tests kill it): it opens
 * the project, takes its lease, starts what it is told (a training run, a labelling job, files in
 * staging, an export folder outside), prints "ready" and waits to be killed.
 *
 *   node --import tsx test/support/hold-project.ts DATA_DIR PROJECT train|label|staging [EXPORT_PARENT]
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ProcessLease } from '../../src/main/core/project/lease'
import { keyOf, thisProcess } from '../../src/main/core/project/owner'
import { openProject } from '../../src/main/core/project/projects'
import { recordOutside } from '../../src/main/core/project/staging'

const [dataDir, projectId, what, exportParent] = process.argv.slice(2) as [
  string,
  string,
  string,
  string?,
]
const project = openProject(dataDir, projectId)
const lease = ProcessLease.take(project.db, 'test')
const now = new Date().toISOString()
if (what === 'train') {
  project.db
    .prepare(
      "INSERT OR IGNORE INTO model (id, sha256, name, path, manifest, registered_at) VALUES (1, ?, 'm', '/m', '{}', ?)",
    )
    .run('f'.repeat(64), now)
  project.db
    .prepare(
      "INSERT INTO train_run (model_id, trigger, status, started_at, owner) VALUES (1, 'manual', 'running', ?, ?)",
    )
    .run(now, keyOf(thisProcess()))
} else if (what === 'label') {
  const ledger = lease.ledger()
  ledger.begin('label', 'Label with the starter', {
    model: process.env.SAUTI_TEST_MODEL,
    nBest: 2,
    beamWidth: 4,
  })
} else if (what === 'staging') {
  mkdirSync(project.paths.stagingDir, { recursive: true })
  writeFileSync(join(project.paths.stagingDir, 'incoming-0123456789abcdef'), 'half of a file')
  const outside = join(exportParent!, '.export.sauti-export-0badc0de')
  mkdirSync(join(outside, 'recordings'), { recursive: true })
  writeFileSync(join(outside, 'recordings', 'rec000001.flac'), 'a speaker’s audio')
  await recordOutside(project.paths, outside)
}
process.stdout.write('ready\n')
setInterval(() => undefined, 60_000)
