/**
 * Voice activity segmentation rules, kept apart from the model (vad.ts) so the main thread can
 * use the options and the pure rules without loading ONNX Runtime.
 */
const FRAME = 512
const SAMPLE_RATE = 16000
const FRAME_SEC = FRAME / SAMPLE_RATE

export interface VadOptions {
  /** Speech starts when the probability reaches this… */
  threshold: number
  /** …and ends when it stays below this for minSilenceSec. */
  negativeThreshold: number
  minSpeechSec: number
  minSilenceSec: number
  /** Added before and after each segment (never into a neighbour). */
  padSec: number
  /** Longer speech is cut at its least speech-like frame. */
  maxSegmentSec: number
}

export const defaultVadOptions: VadOptions = {
  threshold: 0.5,
  negativeThreshold: 0.35,
  minSpeechSec: 0.25,
  minSilenceSec: 0.3,
  padSec: 0.2,
  maxSegmentSec: 20,
}

export interface Segment {
  startSec: number
  endSec: number
}

/**
 * Speech segments from frame probabilities, with hysteresis between the two thresholds. Pure,
 * so the rules are tested without a model (test/unit/vad.test.ts).
 */
export function segmentsFromProbabilities(
  probs: Float32Array,
  durationSec: number,
  o: VadOptions = defaultVadOptions,
): Segment[] {
  const raw: [number, number][] = []
  const minSilence = Math.round(o.minSilenceSec / FRAME_SEC)
  const maxFrames = Math.floor(o.maxSegmentSec / FRAME_SEC)
  let start = -1
  let silenceFrom = -1
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!
    if (start < 0) {
      if (p >= o.threshold) {
        start = i
        silenceFrom = -1
      }
      continue
    }
    if (p < o.negativeThreshold) {
      if (silenceFrom < 0) silenceFrom = i
      if (i - silenceFrom + 1 >= minSilence) {
        raw.push([start, silenceFrom])
        start = -1
      }
    } else silenceFrom = -1
    if (start >= 0 && i - start + 1 >= maxFrames) {
      // Cut at the least speech-like frame of the segment's second half.
      let cut = i
      for (let k = start + Math.floor(maxFrames / 2); k <= i; k++)
        if (probs[k]! < probs[cut]!) cut = k
      raw.push([start, cut])
      start = cut
      silenceFrom = -1
    }
  }
  if (start >= 0) raw.push([start, silenceFrom >= 0 ? silenceFrom : probs.length])

  const kept = raw.filter(([s, e]) => (e - s) * FRAME_SEC >= o.minSpeechSec)
  return kept.map(([s, e], k) => {
    const previousEnd = k > 0 ? kept[k - 1]![1] * FRAME_SEC : 0
    const nextStart = k + 1 < kept.length ? kept[k + 1]![0] * FRAME_SEC : durationSec
    const startSec = s * FRAME_SEC
    const endSec = Math.min(e * FRAME_SEC, durationSec)
    // Padding never crosses into a neighbour: at most half the gap on each side.
    return {
      startSec: Math.max(0, startSec - Math.min(o.padSec, (startSec - previousEnd) / 2)),
      endSec: Math.min(durationSec, endSec + Math.min(o.padSec, (nextStart - endSec) / 2)),
    }
  })
}
