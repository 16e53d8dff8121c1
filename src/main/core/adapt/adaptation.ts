import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { TrainSummary } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { said } from '../../../shared/messages'
import { fitCalibration } from '../asr/calibrate'
import { fitsSpanSql } from '../asr/decoded-span'
import { referenceReader } from '../asr/head-output'
import { ensureModelRow } from '../asr/labeller'
import { consentSnapshot } from '../consent/policy'
import type { WriteDb } from '../db/connection'
import type { WorkControl } from '../jobs'
import { scoreTranscripts } from '../../../shared/metrics/score'
import {
  ensureHiddenStates,
  recoverBaseHead,
  rescoreUnlabelled,
  trainingRefs,
  type AdaptContext,
} from './features'
import {
  choosePseudoLabelThreshold,
  pseudoLabelCandidates,
  type PseudoLabel,
  type PseudoLabelThreshold,
} from './pseudo-labels'
import { fixSplitPolicy } from './splits'
import { comparisonMetric, shouldActivate, WER_SATURATED } from './compare'
import { activeCheckpoint, LANGUAGE_MODEL_CANDIDATES } from './checkpoints'
import { finishRun, startRun } from './train-runs'
import { assignSplits, labelledUtterances, type LabelledUtterance } from './dataset'
import { adaptationSettings, hyperparameters } from './settings'
import { buildVocabulary, trainingText } from './vocabulary'

export interface TrainControl extends WorkControl {
  trigger: 'manual' | 'auto' | 'simulation'
  /** The fewest training utterances worth a run. */
  minimumTrain?: number
}

/**
 * The base model's dev scores from its stored best hypotheses (a first checkpoint's parent), as
 * the annotator meets them: where its head writes phones or not the utterance's language, its
 * output is a reference the field never takes (asr/head-output.ts), so the annotator types from
 * scratch and it scores as an empty hypothesis.
 */
function baseDevScores(
  db: WriteDb,
  modelId: number,
  dev: LabelledUtterance[],
): { utterances: number; cer: number; wer: number } | null {
  if (dev.length === 0) return null
  const stmt = db.prepare(
    `SELECT h.text, u.language FROM hypothesis h JOIN utterance u ON u.id = h.utterance_id
     WHERE h.utterance_id = ? AND h.model_id = ? AND h.checkpoint_id IS NULL AND h.rank = 1
       AND ${fitsSpanSql('h', 'u')}
     ORDER BY h.id DESC LIMIT 1`,
  )
  const referenceOf = referenceReader(db)
  const refs = new Map<string, string>()
  const hyps = new Map<string, string>()
  for (const u of dev) {
    refs.set(String(u.utteranceId), trainingText(u.text))
    const h = stmt.get(u.utteranceId, modelId) as
      { text: string; language: string | null } | undefined
    const shown = h && !referenceOf({ modelId, checkpointId: null, language: h.language })
    hyps.set(String(u.utteranceId), shown ? h.text : '')
  }
  const s = scoreTranscripts(refs, hyps)
  return { utterances: dev.length, cer: s.cer, wer: s.wer }
}

const percent = (x: number): string => `${(x * 100).toFixed(1)} %`

/** "dev CER 45.0 % (was 52.0 %), WER 98.0 % (was 100.0 %; compared on CER while WER is saturated)" */
export function devComparison(
  dev: { cer: number; wer: number },
  parentDev: { cer: number; wer: number } | null,
): string {
  if (!parentDev)
    return `dev CER ${percent(dev.cer)}, WER ${percent(dev.wer)} (parent not measured)`
  const metric = comparisonMetric(parentDev)
  const why =
    metric === 'cer'
      ? `compared on CER while WER is at or above ${percent(WER_SATURATED)}`
      : 'compared on WER'
  return `dev CER ${percent(dev.cer)} (was ${percent(parentDev.cer)}), WER ${percent(dev.wer)} (was ${percent(parentDev.wer)}); ${why}`
}

/**
 * One round of adaptation: assign splits, gather what consent allows, train an adapter and head
 * on top of the active checkpoint in the training worker, record the checkpoint with its lineage
 * and consent snapshot, activate it only if it is no worse on the dev split than its parent,
 * then rescore the utterances nobody has transcribed. A failure or a crash at any point leaves
 * the store as it was, apart from the run's own row.
 */
export async function trainCheckpoint(
  ctx: AdaptContext,
  control: TrainControl,
): Promise<TrainSummary> {
  const { db } = ctx
  const modelId = ensureModelRow(db, ctx.model)
  const parent = activeCheckpoint(db, modelId)
  const runId = startRun(db, modelId, parent?.id ?? null, control.trigger)
  const settings = adaptationSettings(db)
  const checkpointFile = join(ctx.paths.root, 'checkpoints', `run-${runId}.sauti-adapter`)
  try {
    const now = new Date().toISOString()
    assignSplits(db, now)
    // From the first training on, checkpoints are compared on these splits: they stay as they are.
    fixSplitPolicy(db, null, now)
    const labelled = labelledUtterances(db, now)
    const train = labelled.filter((u) => u.split === 'train')
    const dev = labelled.filter((u) => u.split === 'dev')
    const minimum = control.minimumTrain ?? 5
    if (train.length < minimum)
      throw new SautiError(
        'bad_input',
        `only ${train.length} transcribed utterances may train (at least ${minimum} are needed); transcribe more, or check the speakers' consent to model training.`,
      )
    // Confident machine transcripts join training only when asked for and when the dev split
    // can vouch for them (pseudo-labels.ts).
    let threshold: PseudoLabelThreshold | null = null
    let pseudo: PseudoLabel[] = []
    if (settings.pseudoLabels && parent) {
      threshold = choosePseudoLabelThreshold(db, parent.id, dev, settings.pseudoLabelMinDev)
      if (threshold) pseudo = pseudoLabelCandidates(db, parent.id, threshold.confidence, now)
    }
    control.onProgress?.(0, 100, said('preparingFeatures'))
    await ensureHiddenStates(ctx, [...train, ...dev, ...pseudo])
    const vocabulary = buildVocabulary(
      parent?.vocabulary ?? null,
      train.map((u) => u.text),
    )
    const refs = trainingRefs(ctx, vocabulary)
    const dim = ctx.model.registration.report.hiddenSize
    if (!dim)
      throw new SautiError(
        'bad_input',
        `${ctx.model.dir}: the model has no hidden_states output, so it cannot be adapted.`,
      )
    const hyper = hyperparameters(settings)
    // A first checkpoint starts from the base model's own head where the tokens agree.
    const baseHead = parent ? null : await recoverBaseHead(ctx, train)
    await mkdir(join(ctx.paths.root, 'checkpoints'), { recursive: true })
    const result = await ctx.training.train(
      {
        train: [...refs(train), ...refs(pseudo)],
        dev: refs(dev),
        vocabulary,
        parent: parent ? { path: parent.path, modelSha256: ctx.model.registration.sha256 } : null,
        baseHead,
        shape: { dim, bottleneck: settings.bottleneck, vocab: vocabulary.tokens.length },
        hyper,
        committee: settings.committee,
        out: checkpointFile,
        staging: ctx.paths.stagingDir,
        lm: settings.languageModel
          ? {
              sentences: train.map((u) => u.text),
              candidates: LANGUAGE_MODEL_CANDIDATES,
              parent: parent?.lm ?? { weight: 0, wordBonus: 0 },
            }
          : null,
        meta: {
          format: 'sauti-checkpoint/1',
          modelSha256: ctx.model.registration.sha256,
          vocabulary,
          hyperparameters: { ...hyper },
        },
      },
      control.signal,
      (f) => control.onProgress?.(Math.round(f * 80), 100, said('training')),
    )
    if (result.cancelled || control.signal?.aborted) {
      await removeCheckpointFiles(checkpointFile, result.committee)
      finishRun(db, runId, 'cancelled', 'cancelled before a checkpoint was made')
      return summary(
        runId,
        null,
        false,
        'Training was cancelled; no checkpoint was made.',
        train,
        dev,
        labelled,
        result,
      )
    }
    const parentDev = parent ? result.parentDev : baseDevScores(db, modelId, dev)
    const worse = !shouldActivate(result.dev, parentDev)
    const humanSec = train
      .filter((u) => u.source === 'annotator')
      .reduce((s, u) => s + u.endSec - u.startSec, 0)
    const createdAt = new Date().toISOString()
    const checkpointId = db
      .transaction(() => {
        const id = Number(
          db
            .prepare(
              `INSERT INTO checkpoint (model_id, parent_id, path, sha256, hyperparameters, metrics, consent_snapshot, status, vocabulary, activated_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              modelId,
              parent?.id ?? null,
              checkpointFile,
              result.sha256,
              JSON.stringify({
                ...hyper,
                shape: { dim, bottleneck: settings.bottleneck, vocab: vocabulary.tokens.length },
                committee: result.committee,
                lm: { ...result.lm, sentences: result.lm.weight > 0 ? train.length : 0 },
              }),
              JSON.stringify({
                dev: result.dev,
                parentDev,
                devByLanguageModel: result.devByLm,
                trainUtterances: train.length,
                trainSec: train.reduce((s, u) => s + u.endSec - u.startSec, 0),
                correctedSec: humanSec,
                skipped: result.skipped,
                pseudoLabels: { count: pseudo.length, threshold },
                history: result.history,
                bestEpoch: result.bestEpoch,
                stoppedEarly: result.stoppedEarly,
                trainMs: result.trainMs,
                committeeMs: result.committeeMs,
                inheritedScale: result.inheritedScale,
                rateTrial: result.rateTrial,
              }),
              JSON.stringify(
                consentSnapshot(
                  db,
                  'model_training',
                  train.map((u) => u.speakerId),
                  now,
                ),
              ),
              worse ? 'inactive' : 'active',
              JSON.stringify(vocabulary),
              worse ? null : createdAt,
              createdAt,
            ).lastInsertRowid,
        )
        const lineage = db.prepare('INSERT INTO lineage (checkpoint_id, revision_id) VALUES (?, ?)')
        for (const u of train) lineage.run(id, u.revisionId)
        const machine = db.prepare(
          'INSERT INTO lineage_pseudo (checkpoint_id, hypothesis_id) VALUES (?, ?)',
        )
        for (const p of pseudo) machine.run(id, p.hypothesisId)
        if (!worse)
          db.prepare(
            "UPDATE checkpoint SET status = 'inactive' WHERE model_id = ? AND status = 'active' AND id <> ?",
          ).run(modelId, id)
        return id
      })
      .immediate()
    const devText = result.dev
      ? devComparison(result.dev, parentDev) +
        (result.lm.weight > 0
          ? `; it decodes with a word n-gram of the ${train.length} training transcripts (weight ${result.lm.weight}), which did best on dev`
          : '')
      : 'no dev split yet, so it could not be compared with its parent'
    const machineText = pseudo.length
      ? ` It also trained on ${pseudo.length} machine transcripts at least ${percent(threshold!.confidence)} confident (dev WER ${percent(threshold!.devWer)} at that threshold).`
      : ''
    const message = worse
      ? `Checkpoint ${checkpointId} is worse on the dev split than its parent (${devText}): kept, not activated.${machineText}`
      : `Checkpoint ${checkpointId} is active: ${devText}.${machineText}`
    let rescored = 0
    if (!worse) {
      rescored = await rescoreUnlabelled(
        ctx,
        { id: checkpointId, path: checkpointFile, committee: result.committee, lm: result.lm },
        modelId,
        control,
      )
      fitCalibration(db, { modelId, checkpointId })
    }
    finishRun(db, runId, 'done', message, checkpointId)
    return {
      ...summary(runId, checkpointId, !worse, message, train, dev, labelled, result),
      parentDev,
      rescored,
      pseudoLabels: pseudo.length,
      pseudoLabelThreshold: threshold?.confidence ?? null,
    }
  } catch (error) {
    await removeCheckpointFiles(checkpointFile, [])
    finishRun(db, runId, control.signal?.aborted ? 'cancelled' : 'failed', (error as Error).message)
    throw error
  }
}

function summary(
  runId: number,
  checkpointId: number | null,
  activated: boolean,
  message: string,
  train: LabelledUtterance[],
  dev: LabelledUtterance[],
  labelled: LabelledUtterance[],
  result: { dev: TrainSummary['dev']; trainMs: number; skipped: number[] },
): TrainSummary {
  return {
    runId,
    checkpointId,
    activated,
    message,
    trainUtterances: train.length,
    devUtterances: dev.length,
    testUtterances: labelled.filter((u) => u.split === 'test').length,
    correctedSec: train
      .filter((u) => u.source === 'annotator')
      .reduce((s, u) => s + u.endSec - u.startSec, 0),
    dev: result.dev,
    parentDev: null,
    trainMs: result.trainMs,
    skipped: result.skipped,
    rescored: 0,
    pseudoLabels: 0,
    pseudoLabelThreshold: null,
  }
}

async function removeCheckpointFiles(file: string, committee: string[]): Promise<void> {
  await Promise.all([file, ...committee].map((f) => rm(f, { force: true })))
}
