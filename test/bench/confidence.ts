/**
 * Confidence on real speech (`npm run bench -- confidence`): how well word confidence finds the
 * wrong words, and how close it is to the share of words that are right, on a held-out test set
 * of real recordings, for every raw score Sauti measures and for the calibration it fits.
 *
 * The corpora and their splits are the real-speech bench's (real.ts): Fish Fillets' Dutch dub
 * and the IVR prompts of SAUTI_REAL_IVR, and three voices the starter never heard (SAUTI_REAL_ONLY
 * picks), in `.bench-data/real`, with test pinned to what the starter recipe held out (whole game
 * levels, whole prompt groups; for the unheard voices, whole prompt groups of theirs), so no test
 * speech trained the encoder, and dev too where the recipe's holds the split policy's minimum
 * (else the project's policy chooses it: real.ts's pinSplits). SAUTI_CONF_TRAIN caps the training utterances (every
 * k-th). Test utterances are imported without their transcripts (new audio to annotate, as the
 * loop serves it); the bench keeps them as the oracle.
 *
 * The project is labelled by the starter model and adapted once (`train.start`, as `sauti train`
 * does), so an adapted head writes the project's characters; its calibration is fitted on dev
 * as the app does it. For the base head and the adapted one: each score's AUC for finding wrong
 * words and ECE on test, raw and after Platt scaling fitted on dev, then all scores together,
 * temperature scaling, and what the app stored; and the utterance confidence against the share
 * of its words that are right. Audio is read from the corpus folder; none enters the repository.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import {
  calibratedConfidence,
  calibrationCandidates,
  fitCalibrationModel,
  sigmoid,
  type LabelledWord,
} from '../../src/main/core/asr/calibration'
import { devWords, type Head } from '../../src/main/core/asr/calibrate'
import { wordFeatureNames, type WordFeatures } from '../../src/main/core/asr/word-features'
import { recordConsent } from '../../src/main/core/consent/speakers'
import { projectRules } from '../../src/main/core/language/rules'
import type { Workbench } from '../../src/main/core/workbench'
import {
  aucRoc,
  expectedCalibrationError,
  wordOutcomes,
  type ScoredWord,
} from '../../src/shared/metrics/confidence-quality'
import { normalize, normalizeWords } from '../../src/shared/text/normalize'
import { appRoot } from '../support/fixtures'
import { importAndWait, openTestWorkbench, runJob } from '../support/workbench'
import { corpora, pinSplits, type Corpus } from './real'

interface Row {
  /** As the manifest has it (the recipe's splits are keyed by it), and absolute. */
  relative: string
  path: string
  transcript: string
  speaker: string
  language: string
}

function readManifest(file: string): Row[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n')
  const cols = header!.split('\t')
  const at = (name: string): number => cols.indexOf(name)
  return lines.map((l) => {
    const v = l.split('\t')
    return {
      relative: v[at('path')]!,
      path: resolve(dirname(file), v[at('path')]!),
      transcript: v[at('transcript')] ?? '',
      speaker: v[at('speaker')]!,
      language: v[at('language')]!,
    }
  })
}

/** A score read as a probability for raw ECE (log-probabilities as their geometric mean); null if it is none. */
function asProbability(index: number, value: number): number | null {
  const name = wordFeatureNames[index]
  if (name === 'length' || name === 'frames') return null
  return name === 'meanLogProb' || name === 'minLogProb' ? Math.exp(value) : value
}

interface TestWord extends LabelledWord {
  stored: number
}

/** The test split's words under a head's best hypotheses, labelled against the oracle's transcripts. */
function testWords(wb: Workbench, head: Head, references: Map<number, string>): TestWord[] {
  const db = wb.project.db
  const rules = projectRules(db)
  const best = db.prepare(
    `SELECT text, word_features, word_confidences FROM hypothesis
     WHERE utterance_id = ? AND model_id = ? AND checkpoint_id IS ? AND rank = 1 AND word_features IS NOT NULL
     ORDER BY id DESC LIMIT 1`,
  )
  const out: TestWord[] = []
  for (const [utteranceId, reference] of references) {
    const h = best.get(utteranceId, head.modelId, head.checkpointId) as
      { text: string; word_features: string; word_confidences: string } | undefined
    if (!h) continue
    const features = JSON.parse(h.word_features) as WordFeatures[]
    const stored = JSON.parse(h.word_confidences) as number[]
    wordOutcomes(normalizeWords(reference, rules), h.text.split(/\s+/u).filter(Boolean), (w) =>
      normalize(w, rules).split(' ').filter(Boolean),
    ).forEach((correct, i) => {
      if (correct !== null && features[i])
        out.push({ features: features[i]!, correct, group: utteranceId, stored: stored[i]! })
    })
  }
  return out
}

const fmt = (x: number | null | undefined): string =>
  x === null || x === undefined || Number.isNaN(x) ? '   –  ' : x.toFixed(3).padStart(6)

function quality(words: readonly TestWord[], p: (w: TestWord) => number | null): string {
  const scored: ScoredWord[] = []
  for (const w of words) {
    const c = p(w)
    if (c !== null) scored.push({ confidence: c, correct: w.correct })
  }
  if (scored.length === 0) return `${fmt(null)} ${fmt(null)}`
  return `${fmt(aucRoc(scored))} ${fmt(expectedCalibrationError(scored))}`
}

/** Per utterance: the stored utterance confidence against the share of its words that were right. */
function utteranceQuality(words: readonly TestWord[]): string {
  const groups = new Map<number, TestWord[]>()
  for (const w of words) groups.set(w.group, [...(groups.get(w.group) ?? []), w])
  const error = (p: (ws: TestWord[]) => number): number =>
    [...groups.values()].reduce(
      (s, ws) => s + Math.abs(p(ws) - ws.filter((w) => w.correct).length / ws.length),
      0,
    ) / Math.max(1, groups.size)
  const mean = (ws: TestWord[], f: (w: TestWord) => number): number =>
    ws.reduce((s, w) => s + f(w), 0) / ws.length
  return `utterance confidence vs the share of its words right (mean absolute error over ${groups.size} utterances): raw ${error((ws) => mean(ws, (w) => w.features[0]!)).toFixed(3)}, as stored ${error((ws) => mean(ws, (w) => w.stored)).toFixed(3)}`
}

function report(title: string, dev: LabelledWord[], test: TestWord[]): void {
  const right = (ws: readonly LabelledWord[]): string =>
    `${ws.length} words, ${((100 * ws.filter((w) => w.correct).length) / Math.max(1, ws.length)).toFixed(1)} % right`
  console.log(`\n${title}\n  dev: ${right(dev)}; test: ${right(test)}`)
  if (!dev.some((w) => w.correct) || !test.some((w) => w.correct)) {
    console.log('  (no right words: nothing to find wrong words among, no AUC)')
    return
  }
  console.log(
    `  ${'score'.padEnd(22)} ${'raw: AUC    ECE'.padStart(15)}   ${'Platt on dev: AUC    ECE'.padStart(24)}`,
  )
  for (const candidate of calibrationCandidates()) {
    const model = fitCalibrationModel(dev, candidate.features, candidate.name, candidate.lambda)
    const raw =
      candidate.features.length === 1
        ? quality(test, (w) =>
            asProbability(candidate.features[0]!, w.features[candidate.features[0]!]!),
          )
        : `${fmt(null)} ${fmt(null)}`
    const calibrated = quality(test, (w) => calibratedConfidence(model, w.features))
    const name = candidate.features.length === 1 ? candidate.name : 'all scores (logistic)'
    console.log(`  ${name.padEnd(22)} ${raw}         ${calibrated}`)
  }
  // Temperature scaling of the uncalibrated confidence: the textbook baseline.
  const t = fitCalibrationModel(dev, [0], 'temperature', 0)
  const temperature = 1 / (t.weights[0]! / t.scale[0]!)
  console.log(
    `  ${'tsallisMin, T only'.padEnd(22)} ${fmt(null)} ${fmt(null)}         ${quality(test, (w) => {
      const z = Math.log(
        Math.min(1 - 1e-4, Math.max(1e-4, w.features[0]!)) /
          (1 - Math.min(1 - 1e-4, Math.max(1e-4, w.features[0]!))),
      )
      return sigmoid(z / temperature)
    })}   (T = ${temperature.toFixed(2)})`,
  )
  console.log(`  as the app stored it:  ${quality(test, (w) => w.stored)}`)
  console.log(`  ${utteranceQuality(test)}`)
}

export async function confidenceBench(benchData: string): Promise<void> {
  for (const corpus of corpora(benchData)) await corpusBench(corpus)
}

/** The corpus' rows of its language, without the recipe's dropped duplicates, train capped. */
function chosenRows(corpus: Corpus, splits: Map<string, string>): Row[] {
  const rows = readManifest(corpus.manifest).filter(
    (r) => r.language === corpus.language && splits.get(r.relative) !== 'dropped-duplicate',
  )
  const train = rows.filter((r) => (splits.get(r.relative) ?? 'train') === 'train')
  const cap = Number(process.env.SAUTI_CONF_TRAIN ?? train.length)
  const step = Math.max(1, Math.floor(train.length / cap))
  const kept = new Set(train.filter((_, i) => i % step === 0).slice(0, cap))
  return rows.filter((r) => kept.has(r) || (splits.get(r.relative) ?? 'train') !== 'train')
}

async function corpusBench(corpus: Corpus): Promise<void> {
  console.log(
    `\n== Confidence on real speech: ${corpus.name}, dev and test held out as ${corpus.heldOutBy}`,
  )
  const splits = corpus.splits()
  const splitOf = (r: Row): string => splits.get(r.relative) ?? 'train'
  const chosen = chosenRows(corpus, splits)
  const dir = mkdtempSync(join(tmpdir(), 'sauti-bench-conf-'))
  const subset = join(dir, 'manifest.tsv')
  writeFileSync(
    subset,
    [
      'path\ttranscript\tspeaker\tlanguage',
      ...chosen.map((r) =>
        [r.path, splitOf(r) === 'test' ? '' : r.transcript, r.speaker, r.language].join('\t'),
      ),
    ].join('\n'),
  )
  const { workbench: wb, dispose } = await openTestWorkbench(`bench-confidence-${corpus.name}`)
  try {
    const started = performance.now()
    const seconds = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`
    const imported = await importAndWait(wb, [subset])
    const db = wb.project.db
    const count = (split: string): number => chosen.filter((r) => splitOf(r) === split).length
    console.log(
      `imported ${imported.imported} files (${(imported.durationSec / 60).toFixed(1)} min; rejected ${imported.rejected.length}) in ${seconds()}: train ${count('train')}, dev ${count('dev')}, test ${count('test')} utterances`,
    )
    for (const { id } of db.prepare('SELECT id FROM speaker').all() as { id: number }[])
      for (const scope of ['annotation', 'model_training'] as const)
        recordConsent(db, { speakerId: id, scope, grantedAt: '2026-01-01T00:00:00Z' })
    pinSplits(wb, splits, corpus.language, corpus.heldOutBy)
    const byPath = new Map(chosen.map((r) => [r.path, r]))
    const references = new Map<number, string>()
    for (const u of db
      .prepare(
        `SELECT u.id, r.source_path FROM utterance u JOIN recording r ON r.id = u.recording_id WHERE u.split = 'test'`,
      )
      .all() as { id: number; source_path: string }[])
      references.set(u.id, byPath.get(u.source_path)!.transcript)

    const jobId = await wb.labelIfUnlabelled(join(appRoot, 'models/starter'))
    const labelled = await new Promise<unknown>((done) => {
      const off = wb.events.on('job.finished', (f) => {
        if (f.jobId !== jobId) return
        off()
        done(f.labelled)
      })
    })
    const model = db.prepare('SELECT id, manifest FROM model').get() as {
      id: number
      manifest: string
    }
    const manifestOf = JSON.parse(model.manifest) as {
      name: string
      version?: string
      unit: string
    }
    console.log(
      `labelled by ${manifestOf.name} ${manifestOf.version ?? ''} (main head: ${manifestOf.unit}) in ${seconds()}: ${JSON.stringify(labelled && (labelled as { labelled: number }).labelled)} utterances`,
    )
    const base: Head = { modelId: model.id, checkpointId: null }
    report(
      `base model's head (${manifestOf.unit}), test words`,
      devWords(db, base).words,
      testWords(wb, base, references),
    )

    const trained = (await runJob(wb, 'train.start', {})).trained
    console.log(
      `\nadapted once in ${seconds()}: ${trained?.message ?? 'no checkpoint'} (${trained?.trainUtterances} train utterances, ${trained?.rescored} rescored)`,
    )
    if (!trained?.activated || trained.checkpointId === null) return
    const calibration = db
      .prepare(
        'SELECT status, method, message, metrics FROM calibration WHERE checkpoint_id = ? ORDER BY id DESC LIMIT 1',
      )
      .get(trained.checkpointId) as {
      status: string
      method: string | null
      message: string
      metrics: string
    }
    console.log(
      `calibration the app fitted: ${calibration.status} (${calibration.method ?? 'raw'}), ${calibration.message}; dev out of fold ${calibration.metrics}`,
    )
    const adapted: Head = { modelId: model.id, checkpointId: trained.checkpointId }
    report(
      `adapted head (checkpoint ${trained.checkpointId}, characters), test words`,
      devWords(db, adapted).words,
      testWords(wb, adapted, references),
    )
  } finally {
    await dispose()
    rmSync(dir, { recursive: true, force: true })
  }
}
