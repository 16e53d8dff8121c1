/**
 * Adaptation benchmarks (`npm run bench -- adapt`, `npm run bench -- simulate`) on synthetic
 * Swahili, a language the starter model never saw in pre-training.
 *
 * - adapt: wall time of one adapter + head update after 50 new utterances (goal < 30 s on two
 *   cores) against a head-only update on the same data (goal < 10 s), in the training worker.
 * - simulate: the active-learning loop with an oracle, three seeds: the labelled minutes the
 *   default strategy needs to reach random sampling's final dev WER, as a fraction (goal ≤ 0.6),
 *   and its dev WER at the same budget (goal ≥ 10 % relative better than random), on field
 *   recordings (English turns and non-speech among the Swahili) and on clean read speech.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rankPool, type PoolItem } from '../../src/main/core/adapt/acquisition'
import { updateAdaptationSettings } from '../../src/main/core/adapt/settings'
import { createAnnotator } from '../../src/main/core/annotate/annotators'
import { saveUtterance } from '../../src/main/core/annotate/editor'
import { recordConsent } from '../../src/main/core/consent/speakers'
import type { Workbench } from '../../src/main/core/workbench'
import type { AcquisitionStrategy, TrainSummary } from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'
import {
  generatedEnglish,
  generatedSentences,
  swahiliSentences,
  synthesiseCorpus,
  synthesiseNonSpeech,
  type SyntheticSpeaker,
} from '../support/synthetic-speech'
import { importAndWait, openTestWorkbench, runJob } from '../support/workbench'

function section(title: string): void {
  console.log(`\n== ${title}`)
}

/** A project of synthetic speakers, imported with transcripts, consented, labelled by the starter. */
async function corpusProject(
  plan: { speaker: SyntheticSpeaker; sentences: string[] }[],
  extra: (dir: string) => string[] = () => [],
): Promise<{ wb: Workbench; dispose: () => Promise<void> }> {
  const { workbench: wb, dispose: close } = await openTestWorkbench('bench-adapt')
  const audio = mkdtempSync(join(tmpdir(), 'sauti-bench-sw-'))
  const manifests = plan
    .map(({ speaker, sentences }) =>
      synthesiseCorpus(join(audio, speaker.code), sentences, [speaker]),
    )
    .concat(extra(audio))
  await importAndWait(wb, manifests)
  const db = wb.project.db
  for (const { id } of db.prepare('SELECT id FROM speaker').all() as { id: number }[]) {
    recordConsent(db, { speakerId: id, scope: 'annotation', grantedAt: '2026-01-01T00:00:00Z' })
    recordConsent(db, { speakerId: id, scope: 'model_training', grantedAt: '2026-01-01T00:00:00Z' })
  }
  const jobId = await wb.labelIfUnlabelled(join(appRoot, 'models/starter'))
  await new Promise<void>((resolve) => {
    const off = wb.events.on('job.finished', (f) => {
      if (f.jobId !== jobId) return
      off()
      resolve()
    })
  })
  return {
    wb,
    dispose: async () => {
      await close()
      rmSync(audio, { recursive: true, force: true })
    },
  }
}

const voices = [
  'm1',
  'f2',
  'm3',
  'f4',
  'm2',
  'f1',
  'm4',
  'f3',
  'm5',
  'f5',
  'm6',
  'm7',
  'klatt',
  'klatt2',
]

export async function adaptTimeBench(): Promise<void> {
  section('Adapter + head update after 50 new utterances (2 CPU cores), against head only')
  // 5 speakers × 16: splits give 3 train speakers (48 utterances, ~50) and 1 dev, 1 test.
  const sentences = swahiliSentences()
  const plan = voices.slice(0, 5).map((v, k) => ({
    speaker: { code: `SW-${k + 1}`, voice: `sw+${v}`, pitch: 35 + 6 * k, speed: 140 + 6 * k },
    sentences: sentences.slice(k * 14, k * 14 + 14).concat(generatedSentences(2, k + 1)),
  }))
  const { wb, dispose } = await corpusProject(plan)
  try {
    const runs: Record<string, TrainSummary> = {}
    for (const [name, bottleneck] of [
      ['head only', 0],
      ['adapter + head', 64],
    ] as const) {
      updateAdaptationSettings(wb.project.db, { bottleneck, committee: 0 })
      // Each from scratch: no parent, so both do the same work apart from the adapter.
      wb.project.db.prepare("UPDATE checkpoint SET status = 'inactive'").run()
      const started = performance.now()
      const finished = await runJob(wb, 'train.start', {})
      const wall = (performance.now() - started) / 1000
      runs[name] = finished.trained!
      const t = finished.trained!
      console.log(
        `${name.padEnd(15)} ${t.trainUtterances} utterances: training ${(t.trainMs / 1000).toFixed(1)} s, whole job ${wall.toFixed(1)} s (features, base head, rescoring); dev CER ${pct(t.parentDev?.cer)} -> ${pct(t.dev?.cer)}`,
      )
    }
    const ratio = runs['adapter + head']!.trainMs / runs['head only']!.trainMs
    console.log(`adapter + head / head only: ${ratio.toFixed(2)}×`)
  } finally {
    await dispose()
  }
}

const pct = (x: number | undefined | null): string =>
  x === undefined || x === null ? '-' : `${(x * 100).toFixed(1)} %`

/**
 * The simulation's corpus: 14 synthetic Swahili speakers, unbalanced as community recordings
 * are (two recorded at length in one quiet room, a dozen with a few utterances each in varied
 * conditions). `field` adds what VAD segments of field recordings also hold, in every speaker's
 * share: English turns (another language) and clips without speech (music, clatter, hum), which
 * the oracle annotator flags instead of transcribing; `clean` is transcribed read speech only.
 */
export async function simulationCorpus(kind: 'clean' | 'field'): Promise<{
  wb: Workbench
  dispose: () => Promise<void>
}> {
  const conditions: Pick<SyntheticSpeaker, 'effects' | 'noise'>[] = [
    {},
    { noise: 0.02 },
    { effects: ['sinc', '300-3400'] },
    { effects: ['reverb', '40'] },
    { noise: 0.05 },
    { effects: ['tempo', '1.15'] },
  ]
  // SAUTI_SIM_CORPUS_SEED draws other prompts (and clips) for another corpus of the same design.
  const corpusSeed = 1000 * Number(process.env.SAUTI_SIM_CORPUS_SEED ?? 0)
  let next = 1
  const plan = voices.map((v, k) => {
    const many = k < 2
    return {
      speaker: {
        code: `SW-${String(k + 1).padStart(2, '0')}`,
        voice: `sw+${v}`,
        pitch: 30 + ((k * 7) % 45),
        speed: 130 + ((k * 11) % 50),
        ...(many ? {} : conditions[next++ % conditions.length]),
      },
      sentences: generatedSentences(many ? 70 : 12, 100 + k + corpusSeed),
    }
  })
  if (kind === 'clean') return corpusProject(plan)
  const extra = (dir: string): string[] =>
    plan.flatMap(({ speaker, sentences }, k) => {
      const n = Math.max(2, Math.round(sentences.length / 6))
      return [
        synthesiseCorpus(
          join(dir, `${speaker.code}-en`),
          generatedEnglish(n, 200 + k + corpusSeed),
          [{ ...speaker, voice: speaker.voice.replace(/^sw/, 'en') }],
          'en',
          { transcribed: false },
        ),
        synthesiseNonSpeech(
          join(dir, `${speaker.code}-nonspeech`),
          n,
          speaker.code,
          300 + k + corpusSeed,
        ),
      ]
    })
  const project = await corpusProject(plan, extra)
  flagUntranscribed(project.wb)
  return project
}

/** The oracle annotator's other decision: what has no transcript is flagged, through the editor. */
function flagUntranscribed(wb: Workbench): void {
  const db = wb.project.db
  const annotator = createAnnotator(db, { name: 'oracle', role: 'annotator', languages: ['sw'] })
  const rows = db
    .prepare(
      `SELECT u.id, u.language, (SELECT max(id) FROM revision v WHERE v.utterance_id = u.id) AS head
       FROM utterance u WHERE NOT EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.source_kind = 'import')`,
    )
    .all() as { id: number; language: string | null; head: number | null }[]
  for (const r of rows)
    saveUtterance(db, {
      id: r.id,
      actorId: annotator.id,
      baseRevisionId: r.head,
      hypothesisId: null,
      text: '',
      spans: [],
      draft: false,
      status: 'flagged',
      flagReason: r.language === 'en' ? 'other_language' : 'noise',
    })
}

export async function simulateBench(kind: 'clean' | 'field'): Promise<void> {
  section(
    `Active learning with an oracle, ${kind === 'field' ? 'field recordings (English turns and non-speech among the Swahili)' : 'clean read speech'}: minutes to reach random sampling’s final dev WER (3 seeds)`,
  )
  const { wb, dispose } = await simulationCorpus(kind)
  try {
    const report = await wb.simulate({
      // SAUTI_SIM_STRATEGIES (comma-separated) runs fewer for a quick look; random always runs.
      strategies: (process.env.SAUTI_SIM_STRATEGIES ?? 'hybrid,least_confidence,diversity').split(
        ',',
      ) as AcquisitionStrategy[],
      // SAUTI_SIM_BUDGET / SAUTI_SIM_STEP (minutes) change the defaults for a longer run.
      budgetMinutes: Number(process.env.SAUTI_SIM_BUDGET ?? 3),
      stepMinutes: Number(process.env.SAUTI_SIM_STEP ?? 0.5),
      seeds: 3,
      maxEpochs: 15,
    })
    console.log(
      `pool ${report.poolUtterances} utterances (${report.poolMinutes.toFixed(1)} min; flagged by the annotator: ${report.poolFlagged}, ${report.poolFlaggedMinutes.toFixed(1)} min), dev ${report.devUtterances}, test ${report.testUtterances}; ${(report.result.ms / 1000).toFixed(0)} s`,
    )
    for (const s of report.summaries) {
      console.log(
        `${s.strategy.padEnd(17)} final dev WER ${pct(s.finalDevWer)}, test WER ${pct(s.finalTestWer)}; reaches random's final dev WER at ${s.minutesToRandomFinal === null ? 'never' : `${s.minutesToRandomFinal.toFixed(2)} min`} (fraction ${s.fractionOfRandomBudget?.toFixed(2) ?? '-'}); gain at budget ${pct(s.relativeGainAtBudget)}; minutes spent on flagged clips ${s.curve.at(-1)!.flaggedMinutes.toFixed(2)}`,
      )
      console.log(
        `  dev WER / CER: ${s.curve.map((p) => `${p.minutes.toFixed(1)}m ${pct(p.devWer)} / ${pct(p.devCer)}`).join(', ')}`,
      )
    }
  } finally {
    await dispose()
  }
}

/**
 * Ranking a large pool (`npm run bench -- rank`): the hybrid strategy's k-means, typicality and
 * turns over 20,000 utterances with 192-float embeddings, cold and warm, against random order
 * (the baseline, measured in the same run). It runs in the training worker after every training.
 */
export function rankBench(): void {
  section('Ranking 20,000 utterances (hybrid, cold and warm) against random order')
  let state = 7
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
  const dim = 192
  const modes = Array.from({ length: 40 }, () => Float32Array.from({ length: dim }, random))
  const pool: PoolItem[] = Array.from({ length: 20_000 }, (_, i) => {
    const mode = modes[i % modes.length]!
    return {
      id: i + 1,
      speakerId: (i % 300) + 1,
      durationSec: 1 + 9 * random(),
      leastConfidence: random(),
      entropy: random(),
      margin: random(),
      disagreement: null,
      embedding: Float32Array.from(mode, (v) => v + 0.2 * (random() - 0.5)),
    }
  })
  const reviewed = pool.slice(0, 500).map((p) => p.embedding!)
  const time = (label: string, run: () => unknown): number => {
    const started = performance.now()
    run()
    const ms = performance.now() - started
    console.log(`${label.padEnd(34)} ${(ms / 1000).toFixed(2)} s`)
    return ms
  }
  const base = time('random (baseline)', () =>
    rankPool(pool, 'random', { labelled: [], speakerCorrected: new Map(), corrected: 0 }),
  )
  const cold = time('hybrid, cold (typical picks)', () =>
    rankPool(pool, 'hybrid', { labelled: [], speakerCorrected: new Map(), corrected: 0 }),
  )
  const warm = time('hybrid, warm (500 reviewed, 50 flagged)', () =>
    rankPool(pool, 'hybrid', {
      labelled: reviewed.slice(50),
      flagged: reviewed.slice(0, 50),
      speakerCorrected: new Map([[1, 40]]),
      corrected: 500,
    }),
  )
  console.log(
    `hybrid / random: cold ${(cold / base).toFixed(0)}×, warm ${(warm / base).toFixed(0)}× (goal: a few seconds at most; it runs off the main thread)`,
  )
}
