import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAnnotator } from '../../src/main/core/annotate/annotators'
import { rankProject } from '../../src/main/core/adapt/acquisition'
import { recordConsent } from '../../src/main/core/consent/speakers'
import { withdrawConsent } from '../../src/main/core/consent/withdraw'
import { updateAdaptationSettings } from '../../src/main/core/adapt/settings'
import { recoverInterruptedRuns } from '../../src/main/core/adapt/train-runs'
import { changeSplitPolicy } from '../../src/main/core/adapt/splits'
import type { EventMap } from '../../src/shared/contract'
import type { AdaptationStatus, QueuePage, TrainSummary } from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'
import {
  generatedSentences,
  swahiliSentences,
  swahiliSpeakers,
  synthesiseCorpus,
} from '../support/synthetic-speech'
import {
  expectNoOpenWorkbenches,
  importAndWait,
  openTestWorkbench,
  runJob,
} from '../support/workbench'
import type { Workbench } from '../../src/main/core/workbench'

/**
 * The loop on a language the starter model never saw in pre-training (Swahili, synthetic
 * speech from espeak-ng): 72 transcribed utterances from six voices, split by speaker into
 * train (4 speakers, 48 utterances), dev (1, 12) and test (1, 12), plus 8 untranscribed
 * utterances from a training speaker that each new checkpoint rescores (the pool).
 */
let wb: Workbench
let dispose: () => Promise<void>
let audioDir: string
const db = (): Workbench['project']['db'] => wb.project.db

async function waitFor(jobId: string): Promise<EventMap['job.finished']> {
  return new Promise((resolve) => {
    const off = wb.events.on('job.finished', (f) => {
      if (f.jobId !== jobId) return
      off()
      resolve(f)
    })
  })
}

async function train(): Promise<TrainSummary> {
  const finished = await runJob(wb, 'train.start', {})
  if (finished.status !== 'done') throw new Error(finished.error?.message ?? finished.status)
  return finished.trained!
}

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await wb.call(method, input)
  if (!r.ok) throw new Error(r.error.message)
  return r.value as T
}

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('adapt'))
  audioDir = mkdtempSync(join(tmpdir(), 'sauti-sw-'))
  const sentences = swahiliSentences()
  expect(sentences).toHaveLength(72)
  const labelled = synthesiseCorpus(join(audioDir, 'labelled'), sentences, swahiliSpeakers)
  // Eight new prompts from a training-split speaker (SW-B), never transcribed: the pool.
  // The pool: no transcripts.
  const unlabelled = synthesiseCorpus(
    join(audioDir, 'unlabelled'),
    generatedSentences(8, 7),
    [swahiliSpeakers[1]!],
    'sw',
    { transcribed: false },
  )
  // Speakers held out whole, dev and test by their shares alone (no minimum dev minutes): the
  // 4 / 1 / 1 speakers this suite is written for.
  changeSplitPolicy(db(), { unit: 'speaker', minDevMinutes: 0 }, 'test setup', false)
  expect((await importAndWait(wb, [labelled])).imported).toBe(72)
  expect((await importAndWait(wb, [unlabelled])).imported).toBe(8)
  const speakers = db().prepare('SELECT id FROM speaker').all() as { id: number }[]
  for (const { id } of speakers) {
    recordConsent(db(), { speakerId: id, scope: 'annotation', grantedAt: '2026-01-01T00:00:00Z' })
    recordConsent(db(), {
      speakerId: id,
      scope: 'model_training',
      grantedAt: '2026-01-01T00:00:00Z',
    })
  }
  const jobId = await wb.labelIfUnlabelled(join(appRoot, 'models/starter'))
  const labelledJob = await waitFor(jobId!)
  expect(labelledJob.status).toBe('done')
}, 600_000)

afterAll(async () => {
  await dispose()
  rmSync(audioDir, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

describe('adaptation on a held-out language', () => {
  let first: TrainSummary

  it('trains an adapter and CTC head that lowers dev CER substantially, and activates it', async () => {
    first = await train()
    expect(first).toMatchObject({
      checkpointId: 1,
      activated: true,
      trainUtterances: 48,
      devUtterances: 12,
      testUtterances: 12,
    })
    // Swahili is held out of the starter's training and not among the languages its head
    // writes: the annotator gets its output only as a reference and types from scratch, so the
    // parent scores as an empty hypothesis (its spelling scores 28 % CER with starter 0.3.0).
    expect(first.parentDev!.cer).toBe(1)
    // The head starts from the base model's rows for the letters both spell alike. Measured
    // with starter 0.4.0: 10.1 % after training (0.3.0: 13.5 %, 0.2: 14.7 %). (v1, trained on espeak-ng speech alone, reached
    // 5.5 % on this espeak-ng voice; v2 heard mostly real speech: models/starter/MODEL_CARD.md.)
    expect(first.dev!.cer).toBeLessThan(0.2)
    expect(first.dev!.cer).toBeLessThan(first.parentDev!.cer / 2)
    expect(first.message).toMatch(/Checkpoint 1 is active: dev CER/)
  }, 300_000)

  it('records the checkpoint: file hash, lineage of exactly the training revisions, consent snapshot', () => {
    const row = db().prepare('SELECT * FROM checkpoint WHERE id = 1').get() as {
      path: string
      sha256: string
      status: string
      consent_snapshot: string
      hyperparameters: string
    }
    expect(row.status).toBe('active')
    expect(createHash('sha256').update(readFileSync(row.path)).digest('hex')).toBe(row.sha256)
    const lineage = db()
      .prepare(
        `SELECT DISTINCT s.split FROM lineage l JOIN revision v ON v.id = l.revision_id
         JOIN utterance u ON u.id = v.utterance_id JOIN speaker_split s ON s.speaker_id = u.speaker_id
         WHERE l.checkpoint_id = 1`,
      )
      .all() as { split: string }[]
    // Dev and test utterances never train.
    expect(lineage).toEqual([{ split: 'train' }])
    expect(
      (
        db().prepare('SELECT count(*) AS n FROM lineage WHERE checkpoint_id = 1').get() as {
          n: number
        }
      ).n,
    ).toBe(48)
    const snapshot = JSON.parse(row.consent_snapshot) as {
      speakers: { code: string; consentId: number }[]
    }
    expect(snapshot.speakers.map((s) => s.code).sort()).toHaveLength(4)
    expect(snapshot.speakers.every((s) => s.consentId > 0)).toBe(true)
    // Splits are speaker-disjoint.
    const perSpeaker = db()
      .prepare(
        'SELECT speaker_id, count(DISTINCT split) AS n FROM utterance WHERE split IS NOT NULL GROUP BY speaker_id',
      )
      .all() as { n: number }[]
    expect(perSpeaker.every((r) => r.n === 1)).toBe(true)
  })

  it('rescores the untranscribed utterances with the new checkpoint and ranks them with reasons', async () => {
    // The 8 untranscribed, and the 12 dev utterances (their confidences choose pseudo-label thresholds).
    expect(first.rescored).toBe(20)
    const page = await call<QueuePage>('queue.list', {
      order: 'priority',
      filter: { status: ['new', 'pseudo'] },
    })
    // The 8 untranscribed utterances first, in priority order; transcribed ones have none.
    expect(page.items.slice(0, 8).map((i) => i.priority)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(page.items.slice(8).every((i) => i.priority === null)).toBe(true)
    const untranscribed = (
      db()
        .prepare(
          'SELECT id FROM utterance u WHERE NOT EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id) ORDER BY id',
        )
        .all() as { id: number }[]
    ).map((r) => r.id)
    expect(
      page.items
        .slice(0, 8)
        .map((i) => i.id)
        .sort((a, b) => a - b),
    ).toEqual(untranscribed)
    // The imported training transcripts are work already done (the checkpoint learnt from them):
    // past the cold start, the default strategy picks the most uncertain of each cluster.
    expect(page.items[0]!.priorityReason).toMatchObject({ strategy: 'hybrid', phase: 'uncertain' })
    const current = db()
      .prepare(
        'SELECT h.checkpoint_id, h.text FROM utterance u JOIN hypothesis h ON h.id = u.hypothesis_id WHERE u.id = ?',
      )
      .get(page.items[0]!.id) as { checkpoint_id: number; text: string }
    expect(current.checkpoint_id).toBe(1)
    // The adapted head writes Swahili letters, not phones.
    expect(current.text).toMatch(/^[a-z' ]+$/)
    const status = await call<AdaptationStatus>('adaptation.status', {})
    expect(status).toMatchObject({ activeCheckpoint: 1, training: false, strategy: 'hybrid' })
    expect(status.checkpoints[0]).toMatchObject({ id: 1, trainUtterances: 48, speakers: 4 })
  })

  it('refuses a second training while one runs, and a cancelled one leaves no checkpoint', async () => {
    const started = await call<{ jobId: string }>('train.start', {})
    const again = await wb.call('train.start', {})
    expect(again.ok).toBe(false)
    if (!again.ok) expect(again.error).toMatchObject({ kind: 'conflict' })
    await call('job.cancel', { jobId: started.jobId })
    const finished = await waitFor(started.jobId)
    expect(finished.status).toBe('cancelled')
    expect((db().prepare('SELECT count(*) AS n FROM checkpoint').get() as { n: number }).n).toBe(1)
    const run = db().prepare('SELECT status FROM train_run ORDER BY id DESC LIMIT 1').get() as {
      status: string
    }
    expect(run.status).toBe('cancelled')
    expect(existsSync(join(wb.project.paths.root, 'checkpoints', 'run-2.sauti-adapter'))).toBe(
      false,
    )
  }, 120_000)

  it('withdrawing a speaker’s training consent taints the checkpoints that used them and leaves them out of the next', async () => {
    const trainSpeaker = db()
      .prepare(
        "SELECT s.id, s.code FROM speaker s JOIN speaker_split ss ON ss.speaker_id = s.id WHERE ss.split = 'train' ORDER BY s.id LIMIT 1",
      )
      .get() as { id: number; code: string }
    const withdrawal = withdrawConsent(db(), trainSpeaker.id, 'model_training')
    expect(withdrawal).toMatchObject({ taintedCheckpoints: [1], fallback: { checkpointId: null } })
    const tainted = db()
      .prepare('SELECT status, tainted_reason FROM checkpoint WHERE id = 1')
      .get() as {
      status: string
      tainted_reason: string
    }
    expect(tainted.status).toBe('tainted')
    expect(tainted.tainted_reason).toContain(trainSpeaker.code)

    const second = await train()
    expect(second.trainUtterances).toBe(36)
    const used = db()
      .prepare(
        `SELECT count(*) AS n FROM lineage l JOIN revision v ON v.id = l.revision_id JOIN utterance u ON u.id = v.utterance_id
         WHERE l.checkpoint_id = ? AND u.speaker_id = ?`,
      )
      .get(second.checkpointId, trainSpeaker.id) as { n: number }
    expect(used.n).toBe(0)
    const snapshot = JSON.parse(
      (
        db()
          .prepare('SELECT consent_snapshot FROM checkpoint WHERE id = ?')
          .get(second.checkpointId) as { consent_snapshot: string }
      ).consent_snapshot,
    ) as { speakers: { code: string }[] }
    expect(snapshot.speakers.map((s) => s.code)).not.toContain(trainSpeaker.code)
    // The tainted checkpoint was not its parent: the new one starts again from the base model.
    expect(
      db().prepare('SELECT parent_id FROM checkpoint WHERE id = ?').get(second.checkpointId),
    ).toEqual({ parent_id: null })
  }, 300_000)

  it('shows the learning curve on the command line (table, CSV) and switches the queue strategy', async () => {
    const dataDir = join(wb.project.paths.root, '..', '..')
    const csv = join(audioDir, 'curve.csv')
    const sauti = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
      spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(appRoot, 'src/main/hosts/cli.ts'),
          '--data-dir',
          dataDir,
          '--project',
          'adapt',
          ...args,
        ],
        { encoding: 'utf8', cwd: appRoot, timeout: 60_000 },
      )
    const table = sauti('checkpoints', '--csv', csv)
    expect(table.status, table.stderr).toBe(0)
    expect(table.stdout).toMatch(/^1 +- +tainted/m)
    expect(table.stdout).toMatch(/^2 +- +active/m)
    // The headings stand over their columns: checkpoint 2's dev CER ends where its heading does.
    const lines2 = table.stdout.split('\n')
    const heading = lines2.find((l) => l.startsWith('id '))!
    const end = heading.indexOf('dev CER') + 'dev CER'.length
    expect(lines2.find((l) => l.startsWith('2 '))!.slice(0, end + 1)).toMatch(/\d+\.\d % $/)
    // Why its inherited rows moved at the rate they did: the trial's first epochs on dev.
    expect(table.stdout).toMatch(
      /^checkpoint 2: inherited rows at ×(1|0\.1) of the learning rate; dev CER after the first epoch ×1 \d+\.\d %, ×0\.1 \d+\.\d %$/m,
    )
    expect(table.stderr).toMatch(/checkpoint 1: trained on speaker SW-/)
    const lines = readFileSync(csv, 'utf8').trim().split('\n')
    expect(lines[0]).toMatch(
      /^checkpoint,parent,status,created_at,train_utterances,train_minutes,corrected_minutes,dev_utterances,dev_cer/,
    )
    expect(lines).toHaveLength(3)
    expect(lines[2]).toMatch(/^2,,active,.*,36,/)

    const switched = sauti('strategy', 'least_confidence')
    expect(switched.status, switched.stderr).toBe(0)
    const page = await call<QueuePage>('queue.list', { order: 'priority', limit: 8 })
    expect(page.items[0]!.priorityReason).toMatchObject({
      strategy: 'least_confidence',
      measure: 'least_confidence',
    })
    const values = page.items.map((i) => i.priorityReason!.value!)
    expect(values).toEqual([...values].sort((a, b) => b - a))
    expect(sauti('strategy', 'cleverest').status).toBe(2)
  }, 120_000)

  it('lets confident machine transcripts of training speakers join training when asked, recorded as machine-made', async () => {
    await call('adaptation.update', { pseudoLabels: true })
    updateAdaptationSettings(db(), { pseudoLabelMinDev: 10 })
    const third = await train()
    const rows = db()
      .prepare(
        `SELECT h.confidence, ss.split, u.id FROM lineage_pseudo p JOIN hypothesis h ON h.id = p.hypothesis_id
         JOIN utterance u ON u.id = h.utterance_id JOIN speaker_split ss ON ss.speaker_id = u.speaker_id
         WHERE p.checkpoint_id = ?`,
      )
      .all(third.checkpointId) as { confidence: number; split: string; id: number }[]
    expect(rows).toHaveLength(third.pseudoLabels)
    if (third.pseudoLabels > 0) {
      // Only at or above the threshold chosen on dev, only from training speakers, never transcribed.
      expect(rows.every((r) => r.confidence >= third.pseudoLabelThreshold!)).toBe(true)
      expect(new Set(rows.map((r) => r.split))).toEqual(new Set(['train']))
      expect(third.message).toMatch(/machine transcripts/)
    }
    // Human revisions in its lineage are still exactly the consented training ones (36).
    expect(
      (
        db()
          .prepare('SELECT count(*) AS n FROM lineage WHERE checkpoint_id = ?')
          .get(third.checkpointId) as { n: number }
      ).n,
    ).toBe(36)
  }, 300_000)

  it('labels newly imported audio with the active checkpoint, not the base head', async () => {
    const active = (
      db().prepare("SELECT id FROM checkpoint WHERE status = 'active'").get() as { id: number }
    ).id
    const more = synthesiseCorpus(join(audioDir, 'more'), generatedSentences(1, 99), [
      swahiliSpeakers[3]!,
    ])
    expect((await importAndWait(wb, [more])).imported).toBe(1)
    const model = (
      db().prepare('SELECT sha256 FROM model').get() as { sha256: string }
    ).sha256.slice(0, 12)
    const finished = await runJob(wb, 'label.start', { model })
    expect(finished.labelled).toMatchObject({ labelled: 1 })
    const h = db()
      .prepare(
        'SELECT h.checkpoint_id, h.text FROM utterance u JOIN hypothesis h ON h.id = u.hypothesis_id ORDER BY u.id DESC LIMIT 1',
      )
      .get() as { checkpoint_id: number; text: string }
    expect(h.checkpoint_id).toBe(active)
    expect(h.text).toMatch(/^[a-z' ]+$/)
  }, 120_000)

  it('adapts by itself after the configured number of new corrections', async () => {
    await call('adaptation.update', { autoTrainAfter: 2, pseudoLabels: false })
    const annotator = await call<{ id: number }>('annotator.create', {
      name: 'Amina',
      role: 'annotator',
    })
    const before = (db().prepare('SELECT count(*) AS n FROM train_run').get() as { n: number }).n
    const pool = db()
      .prepare("SELECT id FROM utterance WHERE status = 'pseudo' ORDER BY id LIMIT 2")
      .all() as { id: number }[]
    const finishedTraining = new Promise<EventMap['job.finished']>((resolve) => {
      const off = wb.events.on('job.finished', (f) => {
        if (f.kind !== 'train') return
        off()
        resolve(f)
      })
    })
    await call('utterance.save', {
      id: pool[0]!.id,
      actorId: annotator.id,
      baseRevisionId: null,
      text: 'habari ya asubuhi',
    })
    // One correction is not enough.
    const jobs = await call<{ kind: string; status: string }[]>('job.list', {})
    expect(jobs.some((j) => j.kind === 'train' && j.status === 'running')).toBe(false)
    await call('utterance.save', {
      id: pool[1]!.id,
      actorId: annotator.id,
      baseRevisionId: null,
      text: 'mama anapika chakula',
    })
    const finished = await finishedTraining
    expect(finished.status).toBe('done')
    const run = db().prepare('SELECT trigger FROM train_run ORDER BY id DESC LIMIT 1').get() as {
      trigger: string
    }
    expect(run.trigger).toBe('auto')
    expect((db().prepare('SELECT count(*) AS n FROM train_run').get() as { n: number }).n).toBe(
      before + 1,
    )
    expect((await call<AdaptationStatus>('adaptation.status', {})).newCorrections).toBe(0)
  }, 300_000)

  it('a training process killed mid-run leaves the store intact: the run is failed on reopening, nothing half-written stays, and training works again', async () => {
    const dataDir = join(wb.project.paths.root, '..', '..')
    const checkpointsBefore = (
      db().prepare('SELECT count(*) AS n FROM checkpoint').get() as { n: number }
    ).n
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(appRoot, 'src/main/hosts/cli.ts'),
        '--data-dir',
        dataDir,
        '--project',
        'adapt',
        'train',
      ],
      { cwd: appRoot, stdio: 'ignore' },
    )
    // Wait until its run is under way, give it a moment inside training, then kill it outright.
    const deadline = Date.now() + 60_000
    while (!db().prepare("SELECT 1 FROM train_run WHERE status = 'running'").get()) {
      if (Date.now() > deadline) throw new Error('the training process never started its run')
      await new Promise((r) => setTimeout(r, 100))
    }
    await new Promise((r) => setTimeout(r, 1500))
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    expect(db().pragma('integrity_check', { simple: true })).toBe('ok')
    // What the next start of the project does:
    expect(recoverInterruptedRuns(db(), wb.project.paths)).toBe(1)
    const run = db()
      .prepare('SELECT status, message FROM train_run ORDER BY id DESC LIMIT 1')
      .get() as {
      status: string
      message: string
    }
    expect(run).toMatchObject({ status: 'failed' })
    expect(run.message).toMatch(/interrupted/)
    expect((db().prepare('SELECT count(*) AS n FROM checkpoint').get() as { n: number }).n).toBe(
      checkpointsBefore,
    )
    const files = readdirSync(join(wb.project.paths.root, 'checkpoints'))
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([])
    // Every file left is a checkpoint the store knows.
    const known = new Set(
      (db().prepare('SELECT path FROM checkpoint').all() as { path: string }[]).map((r) => r.path),
    )
    for (const f of files.filter((f) => !f.includes('.committee-')))
      expect(known.has(join(wb.project.paths.root, 'checkpoints', f)), f).toBe(true)
    const again = await train()
    expect(again.checkpointId).toBe(checkpointsBefore + 1)
  }, 300_000)

  it('ranks again when the annotator flags; simulates the loop with an oracle on the command line and writes the curves; flagged clips cost time and train nothing', async () => {
    // The annotator flags two of the pool's utterances (another language, noise) instead of
    // transcribing them, in the editor: the queue is ranked again at once, without them and
    // with the flags counted in its reasons, and the simulation's annotator spends their length
    // on them when a strategy picks them.
    await call('adaptation.update', { strategy: 'hybrid' })
    const annotator = createAnnotator(db(), { name: 'flagger', role: 'annotator', languages: [] })
    const pool = rankProject(db(), 'hybrid').map((r) => r.id)
    const flagged = pool.slice(0, 2)
    for (const [k, id] of flagged.entries())
      await call('utterance.save', {
        id,
        actorId: annotator.id,
        baseRevisionId: (
          db().prepare('SELECT max(id) AS id FROM revision WHERE utterance_id = ?').get(id) as {
            id: number | null
          }
        ).id,
        hypothesisId: null,
        text: '',
        spans: [],
        draft: false,
        status: 'flagged',
        flagReason: k === 0 ? 'other_language' : 'noise',
      })
    const stored = (): { id: number; priority: number; reason: { nearFlagged?: number } }[] =>
      (
        db()
          .prepare(
            'SELECT id, priority, priority_reason FROM utterance WHERE priority IS NOT NULL ORDER BY priority',
          )
          .all() as { id: number; priority: number; priority_reason: string }[]
      ).map((r) => ({ id: r.id, priority: r.priority, reason: JSON.parse(r.priority_reason) }))
    const rest = pool.filter((id) => !flagged.includes(id))
    await expect
      .poll(() => stored().some((r) => (r.reason.nearFlagged ?? 0) > 0), { timeout: 30_000 })
      .toBe(true)
    expect(stored().map((r) => r.priority)).toEqual(rest.map((_, i) => i + 1))
    expect(
      stored()
        .map((r) => r.id)
        .sort((a, b) => a - b),
    ).toEqual([...rest].sort((a, b) => a - b))
    const dataDir = join(wb.project.paths.root, '..', '..')
    const out = join(audioDir, 'simulation')
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(appRoot, 'src/main/hosts/cli.ts'),
        '--data-dir',
        dataDir,
        '--project',
        'adapt',
        '--json',
        'simulate',
        '--strategy',
        'hybrid,cost',
        '--budget',
        '0.4',
        '--step',
        '0.2',
        '--seeds',
        '1',
        '--epochs',
        '3',
        '--out',
        out,
      ],
      { encoding: 'utf8', cwd: appRoot, timeout: 240_000 },
    )
    expect(run.status, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout) as {
      poolFlagged: number
      poolFlaggedMinutes: number
      summaries: {
        strategy: string
        curve: { minutes: number; flaggedMinutes: number; devWer: number }[]
        fractionOfRandomBudget: number | null
        noFraction: string | null
        relativeGainAtBudget: number
      }[]
    }
    expect(report.summaries.map((s) => s.strategy)).toEqual(['random', 'hybrid', 'cost'])
    expect(report.poolFlagged).toBe(2)
    expect(report.poolFlaggedMinutes).toBeGreaterThan(0)
    for (const s of report.summaries) {
      // From nothing labelled to the budget, in steps.
      expect(s.curve[0]!.minutes).toBe(0)
      expect(s.curve.at(-1)!.minutes).toBeGreaterThanOrEqual(0.4)
      expect(s.curve.length).toBe(3)
      expect(s.curve.at(-1)!.flaggedMinutes).toBeLessThanOrEqual(report.poolFlaggedMinutes + 1e-9)
    }
    // Random reaches its own final error by its budget at the latest, and gains nothing on
    // itself; if this short run never improved on its start, there is no fraction and it says so.
    const random = report.summaries[0]!
    if (random.noFraction === null) expect(random.fractionOfRandomBudget!).toBeLessThanOrEqual(1)
    else {
      expect(random.noFraction).toBe('random-did-not-improve')
      expect(random.fractionOfRandomBudget).toBeNull()
    }
    expect(random.relativeGainAtBudget).toBe(0)
    const csv = readFileSync(join(out, 'simulation.csv'), 'utf8').trim().split('\n')
    expect(csv[0]).toBe(
      'strategy,seed,labelled_minutes,labelled_utterances,flagged_minutes,dev_wer,dev_cer,test_wer,test_cer',
    )
    expect(csv).toHaveLength(1 + 3 * 3)
    expect(readFileSync(join(out, 'simulation.svg'), 'utf8')).toMatch(
      /^<svg[^>]*>.*hybrid.*<\/svg>$/s,
    )
  }, 300_000)
})
