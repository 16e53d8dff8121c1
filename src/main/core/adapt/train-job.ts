import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { prefixBeamSearch } from '../asr/beam-search'
import { greedyDecode } from '../asr/ctc'
import { defaultTranscribeOptions } from '../asr/transcribe-options'
import { BEAM_PRUNING } from '../asr/decode-utterance'
import { WordNgram } from '../asr/ngram'
import { comparisonMetric } from './compare'
import { decodeTokens, type Vocabulary } from '../asr/vocab'
import { scoreTranscripts } from '../../../shared/metrics/score'
import { posteriors, type AdapterHeadParams } from '../train/adapter-head'
import { decodeCheckpoint, encodeCheckpoint } from '../train/checkpoint-file'
import { seededRandom } from '../train/random'
import { train, type TrainExample } from '../train/trainer'
import { readHiddenStates } from './hidden-cache'
import type {
  DevScores,
  LanguageModelWeight,
  TrainExampleRef,
  TrainJobRequest,
  TrainJobResult,
} from './train-protocol'
import { BLANK, inheritParams, type Inherited } from './vocabulary'

const NO_LM: LanguageModelWeight = { weight: 0, wordBonus: 0 }

export interface Loaded extends TrainExample {
  utteranceId: number
  text: string
}

export async function loadExamples(refs: TrainExampleRef[]): Promise<Loaded[]> {
  const out: Loaded[] = []
  for (const ref of refs) {
    const h = await readHiddenStates(ref.file)
    out.push({
      utteranceId: ref.utteranceId,
      hidden: h.data,
      frames: h.frames,
      targets: ref.targets,
      text: ref.text,
    })
  }
  return out
}

/**
 * CER and WER of a head on examples (the dev split). `beam` decodes as the annotator's
 * hypotheses are decoded (prefix beam search, the labelling defaults), so a checkpoint is
 * judged on what people will see; `greedy` is the cheap per-epoch signal for early stopping.
 */
export function devScores(
  params: AdapterHeadParams,
  vocabulary: Vocabulary,
  examples: Loaded[],
  decode: 'greedy' | 'beam' = 'beam',
  lm: { model: WordNgram; weight: number; wordBonus: number } | null = null,
): DevScores {
  const refs = new Map<string, string>()
  const hyps = new Map<string, string>()
  for (const e of examples) {
    const p = posteriors(params, e.hidden, e.frames)
    refs.set(String(e.utteranceId), e.text)
    const tokens =
      decode === 'greedy'
        ? greedyDecode(p, vocabulary.blank).tokens
        : (prefixBeamSearch(p, {
            blank: vocabulary.blank,
            beamWidth: defaultTranscribeOptions.beamWidth,
            nBest: 1,
            ...BEAM_PRUNING,
            ...(lm && lm.weight > 0 && vocabulary.wordDelimiter !== null
              ? {
                  lm: {
                    model: lm.model,
                    weight: lm.weight,
                    wordBonus: lm.wordBonus,
                    delimiter: vocabulary.wordDelimiter,
                    text: (t: number) => vocabulary.tokens[t] ?? '',
                  },
                }
              : {}),
          })[0]?.tokens ?? [])
    hyps.set(String(e.utteranceId), decodeTokens(tokens, vocabulary))
  }
  const s = scoreTranscripts(refs, hyps)
  return { utterances: examples.length, cer: s.cer, wer: s.wer }
}

/**
 * Where training starts: the parent checkpoint's adapter and head, or (first checkpoint) a fresh
 * adapter and the base model's own head rows for the tokens both vocabularies share. What came
 * from the parent or the base head is marked inherited: the trainer's rate trial chooses how fast
 * it moves (trainer.ts); what starts fresh always takes the full rate.
 */
export function startingParams(
  request: Pick<TrainJobRequest, 'baseHead' | 'shape' | 'vocabulary' | 'hyper'>,
  parent: { params: AdapterHeadParams; vocabulary: Vocabulary } | null,
): Inherited {
  const base = request.baseHead
  return inheritParams(
    parent ??
      (base
        ? {
            params: {
              shape: { dim: request.shape.dim, bottleneck: 0, vocab: base.tokens.length },
              data: Float32Array.from([...base.weight, ...base.bias]),
            },
            // The base blank (whatever it is called: <pad>, <blank>) starts ours.
            vocabulary: {
              tokens: base.tokens.map((t, i) => (i === base.blank ? BLANK : t)),
              blank: base.blank,
              wordDelimiter: null,
            },
          }
        : null),
    request.shape,
    request.vocabulary,
    request.hyper.seed,
  )
}

/**
 * One training run, inside the training worker: load the cached hidden states, train the
 * adapter and head (early stopping on dev CER), score parent and child on the same dev split,
 * train the bootstrap committee, and write the checkpoint file(s) aside, renamed into place
 * only when complete. The database is not touched here: the main thread records the result.
 */
export async function runTrainJob(
  request: TrainJobRequest,
  progress: (fraction: number) => void,
): Promise<TrainJobResult> {
  const stopFlag = new Int32Array(request.stop)
  const shouldStop = (): boolean => Atomics.load(stopFlag, 0) === 1
  const trainSet = await loadExamples(request.train)
  const devSet = await loadExamples(request.dev)
  const parent = request.parent
    ? decodeCheckpoint(await readFile(request.parent.path), request.parent.path)
    : null
  const parentVocabulary = (parent?.meta as { vocabulary?: Vocabulary } | undefined)?.vocabulary
  const init = startingParams(
    request,
    parent && parentVocabulary ? { params: parent.params, vocabulary: parentVocabulary } : null,
  )
  const lm = request.lm ? WordNgram.build(request.lm.sentences) : null
  const fusion = (w: LanguageModelWeight): Parameters<typeof devScores>[4] =>
    lm && w.weight > 0 ? { model: lm, weight: w.weight, wordBonus: w.wordBonus } : null
  const parentDev =
    parent && parentVocabulary && devSet.length
      ? devScores(
          parent.params,
          parentVocabulary,
          devSet,
          'beam',
          fusion(request.lm?.parent ?? NO_LM),
        )
      : null
  const started = performance.now()
  const share = request.committee > 0 ? 0.8 : 1
  const result = train(init.params, trainSet, devSet, {
    inherited: init.inherited,
    learningRate: request.hyper.learningRate,
    adapterLearningRate: request.hyper.adapterLearningRate,
    headWarmupEpochs: request.hyper.headWarmupEpochs,
    weightDecay: request.hyper.weightDecay,
    clipNorm: request.hyper.clipNorm,
    batchFrames: request.hyper.batchFrames,
    maxEpochs: request.hyper.maxEpochs,
    patience: request.hyper.patience,
    seed: request.hyper.seed,
    blank: request.vocabulary.blank,
    shouldStop,
    evaluate: devSet.length
      ? (params) => devScores(params, request.vocabulary, devSet, 'greedy').cer
      : undefined,
    onProgress: (p) => progress(share * ((p.epoch - 1 + p.step / Math.max(1, p.steps)) / p.epochs)),
  })
  const trainMs = performance.now() - started
  // The child on dev at each language-model weight; it keeps the one that does best there, on
  // the metric that moves (WER, or CER while WER is saturated).
  let dev: DevScores | null = null
  let chosen: LanguageModelWeight = NO_LM
  const devByLm: (LanguageModelWeight & DevScores)[] = []
  if (devSet.length)
    for (const candidate of lm ? request.lm!.candidates : [NO_LM]) {
      const scores = devScores(result.params, request.vocabulary, devSet, 'beam', fusion(candidate))
      devByLm.push({ ...candidate, ...scores })
      const metric = comparisonMetric(dev)
      if (!dev || scores[metric] < dev[metric]) {
        dev = scores
        chosen = candidate
      }
    }
  const bytes = encodeCheckpoint(result.params, request.meta)
  const committee: string[] = []
  const committeeStarted = performance.now()
  if (!result.cancelled) {
    // Head-only heads on bootstrap resamples of the training set, over the adapted features'
    // parent (the new adapter is shared): cheap, since the features are cached.
    for (let k = 0; k < request.committee && !shouldStop(); k++) {
      const random = seededRandom(request.hyper.seed * 1000 + k + 1)
      const sample = trainSet.map(() => trainSet[Math.floor(random.next() * trainSet.length)]!)
      const member = train(result.params, sample, [], {
        learningRate: request.hyper.learningRate,
        weightDecay: request.hyper.weightDecay,
        clipNorm: request.hyper.clipNorm,
        batchFrames: request.hyper.batchFrames,
        maxEpochs: Math.max(2, Math.round(request.hyper.maxEpochs / 4)),
        patience: request.hyper.patience,
        seed: request.hyper.seed + k + 1,
        blank: request.vocabulary.blank,
        headOnly: true,
        shouldStop,
        onProgress: (p) =>
          progress(
            share +
              ((1 - share) * (k + (p.epoch - 1 + p.step / Math.max(1, p.steps)) / p.epochs)) /
                request.committee,
          ),
      })
      const file = `${request.out}.committee-${k}`
      await writeAside(file, encodeCheckpoint(member.params, request.meta), request.staging)
      committee.push(file)
    }
  }
  if (!result.cancelled) await writeAside(request.out, bytes, request.staging)
  progress(1)
  return {
    history: result.history,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    cancelled: result.cancelled || shouldStop(),
    skipped: result.skipped.map((i) => trainSet[i]!.utteranceId),
    dev,
    parentDev,
    lm: chosen,
    devByLm,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    committee,
    trainMs,
    committeeMs: performance.now() - committeeStarted,
    inheritedScale: result.inheritedScale,
    rateTrial: result.rateTrial.map((c) => ({ scale: c.scale, devCer: c.devMetric ?? null })),
  }
}

/** Written in the staging folder and renamed: a checkpoint file is whole or absent. */
async function writeAside(file: string, bytes: Uint8Array, staging: string): Promise<void> {
  await mkdir(staging, { recursive: true })
  const temporary = join(staging, `${basename(file)}.tmp`)
  await writeFile(temporary, bytes)
  await rename(temporary, file)
}
