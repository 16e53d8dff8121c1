import type { WordTime } from '../../../shared/word-time'
import { alignTexts } from './align'
import {
  frameStatistics,
  utteranceConfidence,
  wordConfidences,
  type FrameStatistics,
} from './confidence'
import { prefixBeamSearch } from './beam-search'
import type { Posteriors } from './ctc'
import { WordNgram } from './ngram'
import { nbestAgreement, wordFeatures } from './word-features'
import type {
  AcquisitionMeasures,
  HypothesisResult,
  TranscribeItem,
  TranscribeOptions,
} from './transcribe-options'
import { decodeTokens, encodeText, type Vocabulary } from './vocab'

/**
 * How the beam search prunes, for labelling, rescoring and the dev check alike: at a frame, only
 * the 8 likeliest tokens within 6 nats (a factor of 400) of the likeliest are tried, and frames
 * at least 99.9 % sure of blank grow no prefix. Measured on the starter model: the same best
 * hypothesis and N-best within 0.01 nats of an unpruned search, in a fifth of the time
 * (docs/metrics.md, "CTC decoding").
 */
export const BEAM_PRUNING = { tokenPruning: 6, maxTokensPerFrame: 8, blankSkip: 0.999 } as const

/**
 * From one utterance's log-posteriors to what is stored: the N-best list with word times and
 * confidences, and the measures active learning ranks by. Shared by labelling (posteriors from
 * the model's own head, with `frames` from the pass that normalised them) and rescoring
 * (posteriors from an adapted checkpoint's head).
 */
export function decodeUtterance(
  vocabulary: Vocabulary,
  item: TranscribeItem,
  p: Posteriors,
  options: TranscribeOptions,
  frames: FrameStatistics = frameStatistics(p, options.confidence),
): {
  hypotheses: HypothesisResult[]
  acquisition: Omit<AcquisitionMeasures, 'embedding' | 'disagreement'>
} {
  const frameConfidence = frames.confidence
  const beams = prefixBeamSearch(p, {
    ...(options.lm && vocabulary.wordDelimiter !== null
      ? {
          lm: {
            model: languageModel(options.lm),
            weight: options.lm.weight,
            wordBonus: options.lm.wordBonus,
            delimiter: vocabulary.wordDelimiter,
            text: (t: number) => vocabulary.tokens[t] ?? '',
          },
        }
      : {}),
    blank: vocabulary.blank,
    beamWidth: Math.max(options.beamWidth, options.nBest),
    nBest: options.nBest,
    ...BEAM_PRUNING,
  })
  const texts = beams.map((beam) => decodeTokens(beam.tokens, vocabulary))
  const encodedTexts = texts.map((text) => encodeText(text, vocabulary))
  const aligned = alignTexts(p, encodedTexts, vocabulary.blank, item)
  const decoded = beams.map((beam, i) => ({
    beam,
    text: texts[i]!,
    encoded: encodedTexts[i]!,
    ...aligned[i]!,
  }))
  const agreement = nbestAgreement(
    decoded.map((d) => ({ words: d.encoded.words, logProb: d.beam.score ?? d.beam.logProb })),
  )
  const hypotheses = decoded.map(({ beam, text, encoded, alignment, words: placed }, index) => {
    const confidences = wordConfidences(
      frameConfidence,
      alignment.tokens,
      encoded.wordOfToken,
      encoded.words.length,
    )
    return {
      rank: index + 1,
      text,
      logProb: beam.logProb,
      confidence: utteranceConfidence(confidences),
      words: placed.map((w, k): WordTime => ({
        word: w.word,
        start: w.start,
        end: w.end,
        score: w.score,
        confidence: confidences[k] ?? null,
      })),
      wordFeatures: wordFeatures({
        p,
        frameConfidence,
        maxProb: frames.maxProb,
        tokens: alignment.tokens,
        targets: encoded.ids,
        wordOfToken: encoded.wordOfToken,
        wordCount: encoded.words.length,
        agreement: agreement[index]!,
        words: encoded.words,
        hypothesisTokenProb: Math.exp(beam.logProb / (beam.tokens.length + 1)),
      }),
    }
  })
  const best = beams[0]
  const second = beams[1]
  return {
    hypotheses,
    acquisition: {
      // 1 − P(best)^(1/(tokens + 1)): the per-token probability of the best transcript, so long
      // utterances are not uncertain merely for being long.
      leastConfidence: best ? 1 - Math.exp(best.logProb / (best.tokens.length + 1)) : 1,
      entropy: frames.entropy,
      margin: best && second ? best.logProb - second.logProb : null,
    },
  }
}

/** Mean over frames of the posterior's entropy, divided by log V so it lies in [0, 1]. */
export function meanFrameEntropy(p: Posteriors): number {
  return frameStatistics(p).entropy
}

/** Mean of the frames' hidden states: the utterance's point for diversity sampling. */
export function meanPool(
  data: Float32Array | Float64Array,
  frames: number,
  dim: number,
): Float32Array {
  const out = new Float32Array(dim)
  for (let t = 0; t < frames; t++) for (let d = 0; d < dim; d++) out[d]! += data[t * dim + d]!
  if (frames > 0) for (let d = 0; d < dim; d++) out[d]! /= frames
  return out
}

/** The language model of the current labelling run, built once in the worker. */
let cachedLm: { key: string; model: WordNgram } | null = null

function languageModel(lm: NonNullable<TranscribeOptions['lm']>): WordNgram {
  if (cachedLm?.key !== lm.key) cachedLm = { key: lm.key, model: WordNgram.build(lm.sentences) }
  return cachedLm.model
}
