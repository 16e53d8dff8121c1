/**
 * Leads' bulk work and import (issue 20).
 *
 * 1. Consent for 89 speakers from one table, against 89 single grants (the issue's 4 minutes),
 *    both through the CLI a lead runs (one process per command, as typed) and through the
 *    workbench in one process. Single CLI grants are timed for a sample and scaled to 89, to
 *    spare the shared machine 89 process starts; the sample size is printed.
 * 2. Upload throughput: a large WAV through `POST /upload` of `sauti serve` on loopback (until
 *    the server answers: the file is on its disk and its import job started), against copying
 *    the same file on disk, in the same run.
 */
import { spawnSync } from 'node:child_process'
import {
  createWriteStream,
  mkdtempSync,
  openAsBlob,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { copyFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { ensureSpeaker } from '../../src/main/core/consent/speakers'
import { createProject } from '../../src/main/core/project/projects'
import { audioWorkerFactory } from '../../src/main/hosts/boot'
import type { Annotator } from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'
import { startServe } from '../support/serve'
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

/** A 16 kHz mono 16-bit WAV of `minutes` of noise, written in chunks. */
async function writeWav(file: string, minutes: number): Promise<number> {
  const dataBytes = minutes * 60 * 16_000 * 2
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + dataBytes, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(16_000, 24)
  header.writeUInt32LE(32_000, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36)
  header.writeUInt32LE(dataBytes, 40)
  const out = createWriteStream(file)
  out.write(header)
  const chunk = Buffer.alloc(1 << 20)
  for (let i = 0; i < chunk.length; i += 2)
    chunk.writeInt16LE(Math.round((Math.random() - 0.5) * 2000), i)
  for (let left = dataBytes; left > 0; left -= chunk.length)
    if (!out.write(left >= chunk.length ? chunk : chunk.subarray(0, left)))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  await new Promise<void>((resolve) => out.end(() => resolve()))
  return statSync(file).size
}

export async function uploadBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sauti-bench-upload-'))
  const served = await startServe(dataDir, [], ['--no-demo-labels'])
  try {
    const wav = join(dataDir, 'field-recording.wav')
    const bytes = await writeWav(wav, 120)
    const mb = bytes / 1e6
    const runs: { copy: number; upload: number }[] = []
    for (let run = 0; run < 3; run++) {
      let start = performance.now()
      await copyFile(wav, join(dataDir, `copy-${run}.wav`))
      const copy = (performance.now() - start) / 1000
      rmSync(join(dataDir, `copy-${run}.wav`))
      const form = new FormData()
      form.append('file', await openAsBlob(wav), 'field-recording.wav')
      start = performance.now()
      const res = await fetch(`${served.url}/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${served.token}` },
        body: form,
      })
      const answer = (await res.json()) as { ok: boolean; value: { jobId: string } }
      const upload = (performance.now() - start) / 1000
      if (!answer.ok) throw new Error(`upload refused: ${JSON.stringify(answer)}`)
      // Only the transfer is measured: the import that follows is another benchmark's.
      await fetch(`${served.url}/api/job.cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
        body: JSON.stringify({ jobId: answer.value.jobId }),
      })
      runs.push({ copy, upload })
    }
    const best = (k: 'copy' | 'upload'): number => Math.min(...runs.map((r) => r[k]))
    console.log(`\nUpload: ${mb.toFixed(0)} MB WAV (2 h, 16 kHz mono), best of ${runs.length}`)
    console.log(
      `  baseline, copy on disk:        ${(mb / best('copy')).toFixed(0)} MB/s (${best('copy').toFixed(2)} s)`,
    )
    console.log(
      `  POST /upload (loopback, sauti serve): ${(mb / best('upload')).toFixed(0)} MB/s (${best('upload').toFixed(2)} s, ${(best('upload') / best('copy')).toFixed(1)}× the copy)`,
    )
  } finally {
    await served.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
