/**
 * One owner for every job, and nothing left behind (issue 17): a second process neither marks a
 * live training failed nor trains beside it; a killed owner's work is recovered by the next
 * start; an interrupted labelling resumes; what a killed process staged is removed.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { recoverInterruptedRuns } from '../../src/main/core/adapt/train-runs'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { importModel } from '../../src/main/core/asr/model-store'
import { InferenceWorkers } from '../../src/main/core/asr/inference-workers'
import { ensureDemoProject } from '../../src/main/core/project/demo'
import { createProject, openProject } from '../../src/main/core/project/projects'
import { sweepStaging } from '../../src/main/core/project/staging'
import { audioWorkerFactory, workerFactory } from '../../src/main/hosts/boot'
import { appRoot, formatFixtures } from '../support/fixtures'
import { expectNoOpenWorkbenches, importAndWait, newWorkbench } from '../support/workbench'

const dataDir = mkdtempSync(join(tmpdir(), 'sauti-owners-'))
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL')
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

/** Starts a process that holds the project busy (test/support/hold-project.ts) and waits for it. */
async function holder(project: string, what: string, ...rest: string[]): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(appRoot, 'test/support/hold-project.ts'),
      dataDir,
      project,
      what,
      ...rest,
    ],
    { cwd: appRoot, stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
  )
  children.push(child)
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve())
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code}`)))
  })
  return child
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGKILL')
  await exited
}

async function open(project: string): Promise<ReturnType<typeof newWorkbench>> {
  return newWorkbench(
    dataDir,
    openProject(dataDir, project),
    new AudioWorkers(audioWorkerFactory(appRoot), 1),
  )
}

describe('a training in another process', () => {
  it('stays running when a second command starts, which refuses a second training by pid', async () => {
    const made = await createProject(dataDir, 'train')
    made.db.close()
    const child = await holder('train', 'train')
    const wb = await open('train')
    try {
      const run = () => wb.project.db.prepare('SELECT status, message FROM train_run').get()
      expect(run()).toEqual({ status: 'running', message: '' })
      const refused = await wb.call('train.start', {})
      expect(refused).toEqual({
        ok: false,
        error: expect.objectContaining({
          kind: 'conflict',
          message: expect.stringMatching(
            new RegExp(`^training already running in process ${child.pid} `),
          ),
        }),
      })
      // Its owner killed: the next recovery marks it, and only then.
      await kill(child)
      expect(recoverInterruptedRuns(wb.project.db, wb.project.paths)).toBe(1)
      expect(run()).toEqual({
        status: 'failed',
        message: `interrupted: Sauti (process ${child.pid}) stopped while it was training`,
      })
      const next = await wb.call('train.start', {})
      expect(next.ok ? '' : next.error.message).not.toMatch(/already running/)
    } finally {
      await wb.close()
    }
  })

  it('leaves no finished file of a run the store does not know', async () => {
    const wb = await open('train')
    try {
      const dir = join(wb.project.paths.root, 'checkpoints')
      mkdirSync(dir, { recursive: true })
      for (const f of [
        'run-99.sauti-adapter',
        'run-99.sauti-adapter.committee-0',
        'run-98.sauti-adapter.4242.tmp',
      ])
        writeFileSync(join(dir, f), 'x')
      recoverInterruptedRuns(wb.project.db, wb.project.paths)
      expect(readdirSync(dir)).toEqual([])
    } finally {
      await wb.close()
    }
  })
})

describe('an interrupted labelling', () => {
  it('is marked interrupted by the next start and resumed, with the input it was started with', async () => {
    const made = await createProject(dataDir, 'label')
    made.db.close()
    const inference = new InferenceWorkers(workerFactory(appRoot, 'inference'))
    const { model } = await importModel(dataDir, join(appRoot, 'models/starter'), inference)
    await inference.close()
    process.env.SAUTI_TEST_MODEL = model.id
    const child = await holder('label', 'label')
    await kill(child)
    const wb = await open('label')
    try {
      await importAndWait(wb, [join(formatFixtures, 's16.wav')])
      const job = () =>
        wb.project.db
          .prepare(
            "SELECT status, message, resumed_by FROM job_run WHERE kind = 'label' ORDER BY id LIMIT 1",
          )
          .get()
      expect(job()).toEqual({
        status: 'interrupted',
        message: `interrupted: process ${child.pid} stopped while it ran`,
        resumed_by: null,
      })
      const finished = new Promise((resolve) => wb.events.on('job.finished', resolve))
      expect(await wb.resumeInterruptedLabelling()).toEqual(expect.any(String))
      expect(await finished).toMatchObject({
        kind: 'label',
        status: 'done',
        labelled: { labelled: 1 },
      })
      expect(job()).toMatchObject({ resumed_by: expect.any(Number) })
      // Resumed once: the next start has nothing to resume.
      expect(await wb.resumeInterruptedLabelling()).toBeNull()
    } finally {
      delete process.env.SAUTI_TEST_MODEL
      await wb.close()
    }
  }, 120_000)

  it('of the demo is finished by the next start, though some hypotheses exist', async () => {
    const audio = new AudioWorkers(audioWorkerFactory(appRoot), 1)
    const demoDir = mkdtempSync(join(tmpdir(), 'sauti-owners-demo-'))
    const project = await ensureDemoProject(demoDir, join(appRoot, 'demo'), audio)
    // What a first labelling killed after its first request leaves: some hypotheses.
    project.db
      .prepare(
        "INSERT INTO model (sha256, name, path, manifest, registered_at) VALUES (?, 'starter', '/m', '{}', '2026-01-01')",
      )
      .run('e'.repeat(64))
    project.db
      .prepare(
        "INSERT INTO hypothesis (utterance_id, model_id, rank, text, score, start_sec, end_sec, created_at) SELECT id, 1, 1, 'habari', -1, start_sec, end_sec, '2026-01-01' FROM utterance ORDER BY id LIMIT 1",
      )
      .run()
    const wb = newWorkbench(demoDir, project, audio)
    try {
      const jobId = await wb.labelIfUnlabelled(join(appRoot, 'models/starter'))
      expect(jobId).toEqual(expect.any(String))
      wb.jobs.cancel(jobId!)
    } finally {
      await wb.close()
      rmSync(demoDir, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('staging after kill -9', () => {
  it('is emptied by the next start, with the export folder the killed process had outside', async () => {
    const made = await createProject(dataDir, 'staging')
    made.db.close()
    const exports = mkdtempSync(join(tmpdir(), 'sauti-owners-export-'))
    const child = await holder('staging', 'staging', exports)
    const paths = openProject(dataDir, 'staging').paths
    const staging = join(paths.root, 'staging')
    // While it lives, nobody touches its files.
    expect(await sweepStaging(paths)).toEqual([])
    expect(readdirSync(staging)).toHaveLength(1)
    await kill(child)
    const removed = await sweepStaging(paths)
    expect(removed).toHaveLength(2)
    expect(readdirSync(staging)).toEqual([])
    expect(readdirSync(exports)).toEqual([])
    expect(existsSync(join(exports, '.export.sauti-export-0badc0de'))).toBe(false)
  })

  it('is reached by a purge', async () => {
    const exports = mkdtempSync(join(tmpdir(), 'sauti-owners-purge-'))
    const child = await holder('staging', 'staging', exports)
    await kill(child)
    const wb = await open('staging')
    try {
      const lead = wb.project.db
        .prepare(
          "INSERT INTO annotator (name, role, created_at) VALUES ('Lead', 'lead', '2026-01-01')",
        )
        .run().lastInsertRowid
      const speaker = wb.project.db
        .prepare("INSERT INTO speaker (code, created_at) VALUES ('spk-1', '2026-01-01')")
        .run().lastInsertRowid
      const purged = await wb.call('consent.purge', {
        actorId: Number(lead),
        speakerId: Number(speaker),
      })
      expect(purged.ok).toBe(true)
      expect(readdirSync(exports)).toEqual([])
    } finally {
      await wb.close()
    }
  })
})
