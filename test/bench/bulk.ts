/**
 * Leads' bulk work (issue 20): consent for 89 speakers from one table, against 89 single grants
 * (the issue's 4 minutes), both through the CLI a lead runs (one process per command, as typed)
 * and through the workbench in one process. Single CLI grants are timed for a sample and scaled
 * to 89, to spare the shared machine 89 process starts; the sample size is printed.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { ensureSpeaker } from '../../src/main/core/consent/speakers'
import { createProject } from '../../src/main/core/project/projects'
import { audioWorkerFactory } from '../../src/main/hosts/boot'
import type { Annotator } from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'
import { newWorkbench } from '../support/workbench'

const speakers = 89
const cliSample = 8

function cli(dataDir: string, ...args: string[]): number {
  const start = performance.now()
  const run = spawnSync(
    process.execPath,
    [join(appRoot, 'bin/sauti.js'), '--data-dir', dataDir, '--project', 'bulk', ...args],
    { encoding: 'utf8' },
  )
  if (run.status !== 0) throw new Error(`sauti ${args.join(' ')}: ${run.stderr}`)
  return (performance.now() - start) / 1000
}

function tableOf(codes: string[]): string {
  return [
    'speaker,scopes,granted,note',
    ...codes.map((c) => `${c},annotation;model_training,2026-01-10,signed form`),
  ].join('\n')
}

export async function bulkConsentBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sauti-bench-bulk-'))
  try {
    const project = await createProject(dataDir, 'bulk')
    const codes = (set: string): string[] =>
      Array.from({ length: speakers }, (_, i) => `${set}-${String(i + 1).padStart(3, '0')}`)
    for (const set of ['CLI-ONE', 'CLI-TABLE', 'WB-ONE', 'WB-TABLE'])
      for (const code of codes(set)) ensureSpeaker(project.db, { code })
    const workbench = newWorkbench(
      dataDir,
      project,
      new AudioWorkers(audioWorkerFactory(appRoot), 1),
    )
    const call = async (
      method: 'annotator.create' | 'consent.grant' | 'consent.import',
      input: unknown,
    ): Promise<unknown> => {
      const r = await workbench.call(method, input)
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
      return r.value
    }
    const lead = (await call('annotator.create', { name: 'Lead', role: 'lead' })) as Annotator
    const ids = new Map(
      (
        project.db.prepare('SELECT id, code FROM speaker').all() as { id: number; code: string }[]
      ).map((s) => [s.code, s.id]),
    )

    let start = performance.now()
    for (const code of codes('WB-ONE'))
      await call('consent.grant', {
        actorId: lead.id,
        speakerId: ids.get(code),
        scopes: ['annotation', 'model_training'],
        grantedAt: '2026-01-10',
        evidenceNote: 'signed form',
      })
    const wbSingles = (performance.now() - start) / 1000
    const wbTable = join(dataDir, 'wb.csv')
    writeFileSync(wbTable, tableOf(codes('WB-TABLE')))
    start = performance.now()
    await call('consent.import', { actorId: lead.id, table: { path: wbTable } })
    const wbImport = (performance.now() - start) / 1000
    await workbench.close()

    const cliTable = join(dataDir, 'cli.csv')
    writeFileSync(cliTable, tableOf(codes('CLI-TABLE')))
    const cliImport = cli(dataDir, 'consent', 'import', cliTable, '--as', 'Lead')
    const sample = codes('CLI-ONE').slice(0, cliSample)
    const cliSingles = sample.map((code) =>
      cli(
        dataDir,
        'consent',
        'grant',
        code,
        '--scopes',
        'annotation,model_training',
        '--granted',
        '2026-01-10',
        '--note',
        'signed form',
        '--as',
        'Lead',
      ),
    )
    const perGrant = cliSingles.reduce((a, b) => a + b, 0) / cliSingles.length
    console.log(`\nBulk consent: ${speakers} speakers, 2 scopes each (${speakers * 2} records)`)
    console.log(
      `  CLI, ${speakers} × sauti consent grant: ${(perGrant * speakers).toFixed(1)} s (${perGrant.toFixed(2)} s per command, mean of ${cliSample})`,
    )
    console.log(
      `  CLI, 1 × sauti consent import FILE:    ${cliImport.toFixed(2)} s (${((perGrant * speakers) / cliImport).toFixed(0)}× faster)`,
    )
    console.log(
      `  workbench, ${speakers} consent.grant calls:   ${(wbSingles * 1000).toFixed(0)} ms;  1 consent.import: ${(wbImport * 1000).toFixed(0)} ms`,
    )
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
