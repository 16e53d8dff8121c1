import { existsSync } from 'node:fs'
import { greedyDecode } from '../asr/ctc'
import { decodeUtterance, meanPool } from '../asr/decode-utterance'
import type { TranscribeItem, TranscribeOptions, UtteranceResult } from '../asr/transcribe-options'
import { decodeTokens } from '../asr/vocab'
import { align, errorRate } from '../../../shared/metrics/errors'
import { AdaptedHead } from './head-runtime'
import { hiddenCacheFile, readHiddenStates } from './hidden-cache'

export interface RescoreRequest {
  modelKey: string
  modelSha256: string
  hiddenDir: string
  checkpoint: { id: number; path: string }
  /** Heads trained on bootstrap samples: their disagreement is one acquisition measure. */
  committee: string[]
  items: TranscribeItem[]
  options: TranscribeOptions
}

export interface RescoreResult {
  results: UtteranceResult[]
  /** Utterances with no cached hidden states under their current bounds (run the encoder). */
  missing: number[]
  ms: number
}

const heads = new Map<string, AdaptedHead>()

async function head(path: string, modelSha256: string): Promise<AdaptedHead> {
  let found = heads.get(path)
  if (!found) {
    if (heads.size > 16) heads.clear()
    found = await AdaptedHead.load(path, modelSha256)
    heads.set(path, found)
  }
  return found
}

/**
 * Re-scores utterances with a new checkpoint from their cached encoder states: no audio is read
 * and the encoder does not run, so after training every unlabelled utterance gets a new
 * hypothesis, confidence and acquisition scores in seconds. Runs in the inference worker.
 */
export async function rescore(request: RescoreRequest): Promise<RescoreResult> {
  const started = performance.now()
  const main = await head(request.checkpoint.path, request.modelSha256)
  const committee = await Promise.all(request.committee.map((p) => head(p, request.modelSha256)))
  const results: UtteranceResult[] = []
  const missing: number[] = []
  for (const item of request.items) {
    const file = hiddenCacheFile(request.hiddenDir, request.modelKey, {
      id: item.utteranceId,
      startSec: item.startSec,
      endSec: item.endSec,
    })
    if (!existsSync(file)) {
      missing.push(item.utteranceId)
      continue
    }
    const hidden = await readHiddenStates(file)
    const p = main.posteriors(hidden.data, hidden.frames)
    const decoded = decodeUtterance(main.vocabulary, item, p, request.options)
    results.push({
      utteranceId: item.utteranceId,
      startSec: item.startSec,
      endSec: item.endSec,
      frames: p.frames,
      hypotheses: decoded.hypotheses,
      acquisition: {
        ...decoded.acquisition,
        disagreement:
          committee.length > 1 ? disagreement(committee, hidden.data, hidden.frames) : null,
        embedding: meanPool(hidden.data, hidden.frames, hidden.dim),
      },
      hiddenStatesFile: file,
    })
  }
  return { results, missing, ms: performance.now() - started }
}

/**
 * Committee disagreement: the mean character error rate between every pair of the committee's
 * greedy transcripts (each pair scored both ways and averaged, so the order does not matter).
 */
export function disagreement(
  committee: AdaptedHead[],
  hidden: Float32Array,
  frames: number,
): number {
  const texts = committee.map((h) =>
    Array.from(
      decodeTokens(
        greedyDecode(h.posteriors(hidden, frames), h.vocabulary.blank).tokens,
        h.vocabulary,
      ),
    ),
  )
  let total = 0
  let pairs = 0
  for (let i = 0; i < texts.length; i++)
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i]!
      const b = texts[j]!
      const ab = a.length ? errorRate(align(a, b)) : b.length ? 1 : 0
      const ba = b.length ? errorRate(align(b, a)) : a.length ? 1 : 0
      total += Math.min(1, (ab + ba) / 2)
      pairs++
    }
  return pairs ? total / pairs : 0
}
