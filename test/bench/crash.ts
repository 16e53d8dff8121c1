/**
 * Kill trials (`npm run bench -- crash`; issue 17): the built `sauti` is killed with SIGKILL at
 * a random moment of an import, a labelling, a training, an export and a run of autosaves, over
 * and over (SAUTI_CRASH_TRIALS per kind, 20 by default: 100 kills). After each kill:
 *   - the database passes `integrity_check`;
 *   - the next start (`sauti audit verify`) succeeds, every hash chain verifies, and it leaves
 *     no training running and no labelling unmarked;
 *   - no file is left outside the store but the staging folder, which that start empties: no
 *     temporary file among the audio and caches, no checkpoint file no row names, no hidden
 *     export folder beside the export's target;
 *   - every save the server acknowledged before the kill is in the database.
 * SAUTI_CRASH_SEED picks another seed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import Database from 'better-sqlite3'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { InferenceWorkers } from '../../src/main/core/asr/inference-workers'
import { labelProject } from '../../src/main/core/asr/labeller'
import { importModel } from '../../src/main/core/asr/model-store'
import { ensureDemoProject } from '../../src/main/core/project/demo'
import { audioWorkerFactory, workerFactory } from '../../src/main/hosts/boot'
import { appRoot, formatFixtures } from '../support/fixtures'
import { Random } from '../support/fuzz/random'

const trials = Number(process.env.SAUTI_CRASH_TRIALS ?? 20)
const random = new Random(Number(process.env.SAUTI_CRASH_SEED ?? 17))
const cli = join(appRoot, 'bin/sauti.js')
const work = mkdtempSync(join(tmpdir(), 'sauti-crash-'))

function sauti(dataDir: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [cli, '--data-dir', dataDir, '--project', 'demo', ...args], {
    cwd: appRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Two projects to copy for each trial: the demo as created, and the demo labelled. */
async function templates(): Promise<{ unlabelled: string; labelled: string; modelId: string }> {
  const unlabelled = join(work, 'unlabelled')
  const audio = new AudioWorkers(audioWorkerFactory(appRoot), 1)
  const inference = new InferenceWorkers(workerFactory(appRoot, 'inference'))
  try {
    const project = await ensureDemoProject(unlabelled, join(appRoot, 'demo'), audio)
    const { model } = await importModel(unlabelled, join(appRoot, 'models/starter'), inference)
    const now = new Date().toISOString()
    project.db
      .prepare("INSERT INTO annotator (name, role, created_at) VALUES ('Lead', 'lead', ?)")
      .run(now)
    project.db.close()
    const labelled = join(work, 'labelled')
    cpSync(unlabelled, labelled, { recursive: true })
    const again = await ensureDemoProject(labelled, join(appRoot, 'demo'), audio)
    await labelProject(
      {
        db: again.db,
        paths: again.paths,
        workers: inference,
        model,
        vadModel: join(appRoot, 'models/vad/silero_vad_v5.onnx'),
      },
      { settings: { threads: 2, providers: ['cpu'] } },
    )
    again.db.close()
    return { unlabelled, labelled, modelId: model.id }
  } finally {
    await audio.close()
    await inference.close()
  }
}

type Kind = 'import' | 'labelling' | 'training' | 'export' | 'autosave'

/** Kills the child after `afterMs`; false when it had finished by itself before. */
async function runUntilKilled(child: ChildProcess, afterMs: number): Promise<boolean> {
  let done = false
  const exited = new Promise<void>((r) =>
    child.once('exit', () => {
      done = true
      r()
    }),
  )
  await Promise.race([sleep(afterMs), exited])
  const midway = !done
  child.kill('SIGKILL')
  await exited
  return midway
}

/** Files a killed process left for the next start to remove: staging, and beside the export. */
function leftovers(dataDir: string, exportParent: string): number {
  const staging = join(dataDir, 'projects', 'demo', 'staging')
  const staged = existsSync(staging)
    ? readdirSync(staging, { recursive: true, withFileTypes: true }).filter((f) => f.isFile())
        .length
    : 0
  return staged + readdirSync(exportParent).filter((f) => f !== 'out').length
}

/** Starts `sauti serve` and saves drafts through its API until killed; returns what was acknowledged. */
async function autosaveTrial(
  dataDir: string,
  afterMs: number,
): Promise<{ acknowledged: number[]; midway: boolean }> {
  const child = sauti(dataDir, ['--json', 'serve', '--port', '0', '--no-demo-labels'])
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString()))
    child.once('exit', () => reject(new Error('serve exited')))
  })
  const { url, token } = JSON.parse(line) as { url: string; token: string }
  const api = async <T>(method: string, input: unknown): Promise<{ ok: boolean; value: T }> => {
    const r = await fetch(new URL(`/api/${method}`, url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    })
    return (await r.json()) as { ok: boolean; value: T }
  }
  const acknowledged: number[] = []
  const killAt = Date.now() + afterMs
  const typing = (async () => {
    const profile = await api<{ id: number }>('annotator.create', { name: `typist-${Date.now()}` })
    const actorId = profile.value.id
    const queue = await api<{ items: { id: number }[] }>('queue.list', { actorId, limit: 5 })
    const id = queue.value.items[0]!.id
    const detail = await api<{ head: { id: number } | null }>('utterance.get', { id, actorId })
    let base = detail.value.head?.id ?? null
    for (let n = 0; Date.now() < killAt + 5000; n++) {
      const text = `maneno ${n} ${'x'.repeat(n % 7)}`
      const input = { id, actorId, baseRevisionId: base, text, draft: true }
      const saved = await api<{ revision: { id: number } | null }>('utterance.save', input)
      if (!saved.ok) break
      base = saved.value.revision?.id ?? base
      if (saved.value.revision) acknowledged.push(saved.value.revision.id)
    }
  })().catch(() => undefined)
  const midway = await runUntilKilled(child, afterMs)
  await typing
  return { acknowledged, midway }
}

/** Every file of the project that is not where the store keeps files, or not one it knows. */
function strayFiles(dataDir: string): string[] {
  const root = join(dataDir, 'projects', 'demo')
  const db = new Database(join(root, 'project.sqlite'), { readonly: true })
  const known = new Set(
    (db.prepare('SELECT path FROM checkpoint').all() as { path: string }[]).map((r) =>
      relative(root, r.path),
    ),
  )
  db.close()
  const stray: string[] = []
  for (const file of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!file.isFile()) continue
    const rel = relative(root, join(file.parentPath, file.name))
    if (/^project\.sqlite(-wal|-shm)?$/.test(rel)) continue
    if (rel.startsWith('staging/')) stray.push(`${rel} (staging not emptied)`)
    else if (/\.incoming-|\.tmp$/.test(rel)) stray.push(rel)
    else if (rel.startsWith('checkpoints/') && !known.has(rel.replace(/\.committee-\d+$/, '')))
      stray.push(rel)
    else if (!/^(audio|cache|evidence|checkpoints)\//.test(rel)) stray.push(rel)
  }
  return stray
}

interface TrialResult {
  problems: string[]
  afterMs: number
  /** Killed while it worked (not after it had finished). */
  midway: boolean
  /** Files the kill left that the next start removed. */
  cleaned: number
  /** Work the next start marked as interrupted (a training or a labelling). */
  interrupted: number
}

/** How long one uncut run of a kind's command takes here, from the same template. */
async function uncutMs(
  kind: Exclude<Kind, 'autosave'>,
  base: { unlabelled: string; labelled: string; modelId: string },
): Promise<number> {
  const dataDir = join(work, `${kind}-uncut`)
  cpSync(kind === 'labelling' ? base.unlabelled : base.labelled, dataDir, { recursive: true })
  const exportParent = join(work, `${kind}-uncut-exports`)
  mkdirSync(exportParent, { recursive: true })
  const started = performance.now()
  const child = sauti(dataDir, commandArgs(kind, base, exportParent))
  await new Promise<void>((r) => child.once('exit', () => r()))
  return performance.now() - started
}

/** The command a trial runs for a kind (autosave has its own loop). */
function commandArgs(
  kind: Exclude<Kind, 'autosave'>,
  base: { modelId: string },
  exportParent: string,
): string[] {
  return {
    import: [
      'import',
      join(work, 'long.wav'),
      join(formatFixtures, 'clip.flac'),
      join(formatFixtures, 'clip.ogg'),
    ],
    labelling: ['label', '--model', base.modelId],
    training: ['train'],
    export: [
      'export',
      join(exportParent, 'out'),
      '--use',
      'research_release',
      '--formats',
      'kaldi,eaf,textgrid',
      '--audio',
      'flac',
      '--statuses',
      'new,pseudo,corrected,reviewed',
      '--sources',
      'annotator,import,model',
      '--as',
      'Lead',
    ],
  }[kind]
}

async function trial(
  kind: Kind,
  base: { unlabelled: string; labelled: string; modelId: string },
  n: number,
  windowMs: number,
): Promise<TrialResult> {
  const dataDir = join(work, `${kind}-${n}`)
  cpSync(kind === 'labelling' ? base.unlabelled : base.labelled, dataDir, { recursive: true })
  const exportParent = join(work, `${kind}-${n}-exports`)
  mkdirSync(exportParent, { recursive: true })
  // Kills land within the work: uniformly over how long one uncut run of the same command took
  // on this machine (measured first, `windowMs`); autosave runs until killed.
  const afterMs =
    kind === 'autosave'
      ? random.int(1500, 4000)
      : random.int(150, Math.max(200, Math.round(windowMs * 0.95)))
  const problems: string[] = []
  let acknowledged: number[] = []
  let midway: boolean
  if (kind === 'autosave') ({ acknowledged, midway } = await autosaveTrial(dataDir, afterMs))
  else midway = await runUntilKilled(sauti(dataDir, commandArgs(kind, base, exportParent)), afterMs)
  const cleaned = leftovers(dataDir, exportParent)
  const dbFile = join(dataDir, 'projects/demo/project.sqlite')
  const db = new Database(dbFile, { readonly: true })
  const integrity = db.pragma('integrity_check', { simple: true })
  db.close()
  if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`)
  // The next start.
  const next = spawnSync(
    process.execPath,
    [cli, '--data-dir', dataDir, '--project', 'demo', 'audit', 'verify'],
    { cwd: appRoot, encoding: 'utf8' },
  )
  if (next.status !== 0) problems.push(`audit verify exited ${next.status}: ${next.stderr.trim()}`)
  const after = new Database(dbFile, { readonly: true })
  const running = after
    .prepare("SELECT count(*) AS n FROM train_run WHERE status = 'running'")
    .get() as { n: number }
  if (running.n) problems.push('a training is still "running" after the next start')
  const unmarked = after
    .prepare("SELECT count(*) AS n FROM job_run WHERE status = 'running'")
    .get() as { n: number }
  if (unmarked.n) problems.push('a labelling is still "running" after the next start')
  const interrupted = (
    after
      .prepare(
        "SELECT (SELECT count(*) FROM train_run WHERE message LIKE 'interrupted%') + (SELECT count(*) FROM job_run WHERE status = 'interrupted') AS n",
      )
      .get() as { n: number }
  ).n
  if (kind === 'autosave' && acknowledged.length) {
    // The store normalises text (trims it), so saves are known by the revision they returned.
    const last = acknowledged[acknowledged.length - 1]!
    const found = after.prepare('SELECT 1 FROM revision WHERE id = ?').get(last)
    if (!found) problems.push(`an acknowledged save is missing: revision ${last}`)
  }
  after.close()
  problems.push(...strayFiles(dataDir))
  for (const left of readdirSync(exportParent))
    if (left !== 'out') problems.push(`left beside the export: ${left}`)
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(exportParent, { recursive: true, force: true })
  return { problems, afterMs, midway, cleaned, interrupted }
}

export async function crashBench(): Promise<void> {
  if (!existsSync(join(appRoot, 'out/main/cli.js'))) throw new Error('build first: npm run build')
  spawnSync('sox', [
    '-n',
    '-r',
    '48000',
    '-c',
    '2',
    join(work, 'long.wav'),
    'synth',
    '60',
    'pinknoise',
    'vol',
    '0.2',
  ])
  console.log(`\n== Kill trials: ${trials} SIGKILLs per kind, at random moments`)
  const base = await templates()
  const kinds: Kind[] = ['import', 'labelling', 'training', 'export', 'autosave']
  const rows: string[] = []
  const all: string[] = []
  try {
    for (const kind of kinds) {
      let clean = 0
      let midway = 0
      let cleaned = 0
      let interrupted = 0
      const times: number[] = []
      const windowMs = kind === 'autosave' ? 0 : await uncutMs(kind, base)
      for (let n = 0; n < trials; n++) {
        const result = await trial(kind, base, n, windowMs)
        times.push(result.afterMs)
        if (result.midway) midway++
        if (result.cleaned) cleaned++
        if (result.interrupted) interrupted++
        if (result.problems.length === 0) clean++
        else
          all.push(
            ...result.problems.map(
              (p) => `${kind} #${n} (killed after ${result.afterMs} ms): ${p}`,
            ),
          )
      }
      rows.push(
        `| ${kind} | ${trials} | ${Math.min(...times)}–${Math.max(...times)} ms${windowMs ? ` of an uncut ${Math.round(windowMs)} ms` : ''} | ${midway} | ${cleaned} | ${interrupted} | ${clean} | ${trials - clean} |`,
      )
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  console.log(
    '| kind | kills | killed after | while working | left files the next start removed | work marked interrupted | clean (integrity, audit, nothing left, saves kept) | problems |',
  )
  console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |')
  for (const row of rows) console.log(row)
  for (const p of all) console.log(`  ${p}`)
  if (all.length) process.exitCode = 1
}
