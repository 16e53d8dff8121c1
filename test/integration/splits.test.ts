import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createAnnotator } from '../../src/main/core/annotate/annotators'
import { assignSplits } from '../../src/main/core/adapt/splits'
import { recordConsent } from '../../src/main/core/consent/speakers'
import type { Workbench } from '../../src/main/core/workbench'
import type { ProjectEvaluation, SplitOverview, TrainSummary } from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'
import {
  generatedSentences,
  swahiliSentences,
  swahiliSpeakers,
  synthesiseCorpus,
  type SyntheticSpeaker,
} from '../support/synthetic-speech'
import {
  expectNoOpenWorkbenches,
  importAndWait,
  openTestWorkbench,
  runJob,
} from '../support/workbench'

/**
 * Dev and test splits on the projects real users have: an elder telling stories alone, two
 * speakers, and a project in several languages with one voice each (telephone prompts).
 */
const dirs: string[] = []
const open: (() => Promise<void>)[] = []

afterAll(async () => {
  for (const dispose of open) await dispose()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

async function project(
  name: string,
  corpora: { sentences: string[]; speakers: SyntheticSpeaker[]; language: string }[],
): Promise<Workbench> {
  const { workbench, dispose } = await openTestWorkbench(name)
  open.push(dispose)
  const dir = mkdtempSync(join(tmpdir(), `sauti-${name}-`))
  dirs.push(dir)
  for (const [i, c] of corpora.entries()) {
    const manifest = synthesiseCorpus(join(dir, String(i)), c.sentences, c.speakers, c.language)
    expect((await importAndWait(workbench, [manifest])).imported).toBe(c.sentences.length)
  }
  const db = workbench.project.db
  for (const { id } of db.prepare('SELECT id FROM speaker').all() as { id: number }[])
    for (const scope of ['annotation', 'model_training'] as const)
      recordConsent(db, { speakerId: id, scope, grantedAt: '2026-01-01T00:00:00Z' })
  return workbench
}

async function call<T>(wb: Workbench, method: string, input: unknown): Promise<T> {
  const r = await wb.call(method, input)
  if (!r.ok) throw new Error(r.error.message)
  return r.value as T
}

async function labelAndTrain(wb: Workbench): Promise<TrainSummary> {
  const jobId = await wb.labelIfUnlabelled(join(appRoot, 'models/starter'))
  const labelled = await new Promise<{ status: string }>((resolve) => {
    const off = wb.events.on('job.finished', (f) => {
      if (f.jobId !== jobId) return
      off()
      resolve(f)
    })
  })
  expect(labelled.status).toBe('done')
  const finished = await runJob(wb, 'train.start', {})
  if (finished.status !== 'done') throw new Error(finished.error?.message ?? finished.status)
  return finished.trained!
}

describe('splits on real project shapes', () => {
  it('one speaker: dev and test are stretches of recordings, and the checkpoint is compared on dev', async () => {
    const wb = await project('one-speaker', [
      {
        sentences: swahiliSentences().slice(0, 24),
        speakers: [swahiliSpeakers[0]!],
        language: 'sw',
      },
    ])
    const trained = await labelAndTrain(wb)
    expect(trained.devUtterances).toBeGreaterThan(0)
    expect(trained.dev).not.toBeNull()
    expect(trained.parentDev).not.toBeNull()
    expect(trained.message).not.toMatch(/no dev split/)
    const splits = await call<SplitOverview>(wb, 'splits.show', {})
    expect(splits.languages).toHaveLength(1)
    expect(splits.languages[0]!.unit).toBe('recording')
    expect(splits.languages[0]!.splits.dev.minutes).toBeGreaterThan(0)
    expect(splits.policy.fixedAt).not.toBeNull()
    // `sauti evaluate` scores the active checkpoint by default, decoded as the annotator sees
    // it: on the dev split it gives the numbers the activation compared.
    const [model] = await call<{ id: string }[]>(wb, 'model.list', {})
    const evaluated = await call<ProjectEvaluation>(wb, 'evaluate.project', {
      model: model!.id,
      split: 'dev',
    })
    expect(evaluated.checkpointId).toBe(trained.checkpointId)
    expect(evaluated.utterances).toBe(trained.devUtterances)
    expect(evaluated.cer).toBeCloseTo(trained.dev!.cer, 9)
    expect(evaluated.wer).toBeCloseTo(trained.dev!.wer, 9)
    const base = await call<ProjectEvaluation>(wb, 'evaluate.project', {
      model: model!.id,
      checkpoint: 'base',
      split: 'dev',
    })
    expect(base.checkpointId).toBeNull()
    expect(base.cer).toBeCloseTo(trained.parentDev!.cer, 9)
  }, 600_000)

  it('prompts that repeat (a telephone system): the checkpoint keeps the project language model that does best on dev, and rescoring uses it', async () => {
    // Ten prompts, each spoken by three voices: what the model hears again it can spell again.
    const prompts = swahiliSentences().slice(48, 58)
    const wb = await project('repeated-prompts', [
      {
        sentences: [...prompts, ...prompts, ...prompts],
        speakers: swahiliSpeakers.slice(2, 5),
        language: 'sw',
      },
    ])
    const trained = await labelAndTrain(wb)
    const row = wb.project.db
      .prepare('SELECT metrics, hyperparameters FROM checkpoint WHERE id = ?')
      .get(trained.checkpointId) as { metrics: string; hyperparameters: string }
    const metrics = JSON.parse(row.metrics) as {
      dev: { cer: number; wer: number }
      devByLanguageModel: { weight: number; wordBonus: number; cer: number; wer: number }[]
    }
    const lm = (JSON.parse(row.hyperparameters) as { lm: { weight: number } }).lm
    expect(metrics.devByLanguageModel.map((d) => d.weight)).toEqual([0, 0.3, 0.6, 1])
    // The one kept is the best on dev, on the metric that moves, and it is what dev reports.
    const metric = metrics.devByLanguageModel[0]!.wer < 0.9 ? 'wer' : 'cer'
    const best = Math.min(...metrics.devByLanguageModel.map((d) => d[metric]))
    const kept = metrics.devByLanguageModel.find((d) => d.weight === lm.weight)!
    expect(kept[metric]).toBe(best)
    expect(metrics.dev[metric]).toBe(best)
    // Here the prompts repeat, so the language model helps and is kept.
    expect(lm.weight).toBeGreaterThan(0)
    expect(best).toBeLessThan(metrics.devByLanguageModel[0]![metric])
    expect(trained.message).toMatch(/word n-gram of the \d+ training transcripts/)
    // `sauti evaluate` decodes with it too: the same dev scores.
    const [model] = await call<{ id: string }[]>(wb, 'model.list', {})
    const evaluated = await call<ProjectEvaluation>(wb, 'evaluate.project', {
      model: model!.id,
      split: 'dev',
    })
    expect(evaluated.cer).toBeCloseTo(metrics.dev.cer, 9)
  }, 600_000)

  it('two speakers: the same, and the checkpoint has dev metrics', async () => {
    const wb = await project('two-speakers', [
      {
        sentences: swahiliSentences().slice(24, 48),
        speakers: swahiliSpeakers.slice(0, 2),
        language: 'sw',
      },
    ])
    const trained = await labelAndTrain(wb)
    expect(trained.dev?.utterances).toBeGreaterThan(0)
    const checkpoint = wb.project.db
      .prepare('SELECT metrics FROM checkpoint WHERE id = ?')
      .get(trained.checkpointId) as { metrics: string }
    const metrics = JSON.parse(checkpoint.metrics) as { dev: { cer: number; wer: number } | null }
    expect(metrics.dev?.cer).toBeGreaterThanOrEqual(0)
    expect(metrics.dev?.wer).toBeGreaterThanOrEqual(0)
  }, 600_000)

  it('five languages with one voice each: every language has a dev set; a lead may change and reassign them', async () => {
    const voices: [string, string][] = [
      ['sw', 'sw+m1'],
      ['en', 'en-us+f2'],
      ['es', 'es+m3'],
      ['fr', 'fr-fr+f4'],
      ['it', 'it+m2'],
    ]
    const wb = await project(
      'five-languages',
      voices.map(([language, voice], i) => ({
        sentences: generatedSentences(8, 20 + i),
        speakers: [{ code: `IVR-${language}`, voice, pitch: 50, speed: 160 }],
        language,
      })),
    )
    const db = wb.project.db
    assignSplits(db)
    const splits = await call<SplitOverview>(wb, 'splits.show', {})
    expect(splits.languages.map((l) => l.language)).toEqual(['en', 'es', 'fr', 'it', 'sw'])
    for (const l of splits.languages) {
      expect(l.unit, l.language).toBe('recording')
      expect(l.splits.dev.utterances, l.language).toBeGreaterThan(0)
      expect(l.splits.train.utterances, l.language).toBeGreaterThan(l.splits.dev.utterances)
    }
    // Not fixed yet (nothing was trained on them): a lead changes the policy, an annotator may not.
    const annotator = createAnnotator(db, { name: 'Asha', role: 'annotator', languages: [] })
    const lead = createAnnotator(db, { name: 'Lead', role: 'lead', languages: [] })
    const refused = await wb.call('splits.set', { actorId: annotator.id, devShare: 0.2 })
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.error.kind).toBe('forbidden')
    const changed = await call<SplitOverview>(wb, 'splits.set', { actorId: lead.id, devShare: 0.2 })
    expect(changed.policy.devShare).toBe(0.2)
    expect(changed.policy.fixedBy).toBe('Lead')
    // Fixed now: a change needs reassign.
    const again = await wb.call('splits.set', { actorId: lead.id, testShare: 0.1 })
    expect(again.ok).toBe(false)
    if (!again.ok) expect(again.error.message).toMatch(/reassign/)
    const reassigned = await call<SplitOverview>(wb, 'splits.set', {
      actorId: lead.id,
      testShare: 0.1,
      reassign: true,
    })
    expect(reassigned.policy.testShare).toBe(0.1)
    for (const l of reassigned.languages)
      expect(l.splits.dev.utterances, l.language).toBeGreaterThan(0)
  }, 600_000)
})
