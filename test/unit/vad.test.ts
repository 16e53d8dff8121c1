import { describe, expect, it } from 'vitest'
import { defaultVadOptions, segmentsFromProbabilities } from '../../src/main/core/asr/vad-segments'

const FRAME = 0.032
/** Frame probabilities from [seconds, probability] runs. */
function probs(...runs: [number, number][]): Float32Array {
  return Float32Array.from(
    runs.flatMap(([seconds, p]) => new Array<number>(Math.round(seconds / FRAME)).fill(p)),
  )
}

describe('speech segments from VAD probabilities', () => {
  it('finds speech between silences and pads it, never into a neighbour', () => {
    const p = probs([1, 0.05], [2, 0.9], [0.2, 0.1], [1.5, 0.95], [1, 0.02], [1.2, 0.8], [1, 0.01])
    const segments = segmentsFromProbabilities(p, p.length * FRAME)
    // The 0.2 s dip is shorter than minSilenceSec (0.3 s): the first two runs are one segment.
    expect(segments).toHaveLength(2)
    expect(segments[0]!.startSec).toBeCloseTo(1 - 0.2, 1)
    expect(segments[0]!.endSec).toBeCloseTo(4.7 + 0.2, 1)
    expect(segments[1]!.startSec).toBeCloseTo(5.7 - 0.2, 1)
    expect(segments[1]!.endSec).toBeCloseTo(6.9 + 0.2, 1)
    // Close neighbours share the gap instead of overlapping.
    const tight = probs([1, 0.9], [0.3, 0.05], [1, 0.9])
    const [a, b] = segmentsFromProbabilities(tight, tight.length * FRAME)
    expect(a!.endSec).toBeLessThanOrEqual(b!.startSec)
  })

  it('drops blips shorter than minSpeechSec and finds nothing in silence', () => {
    expect(segmentsFromProbabilities(probs([2, 0.05], [0.1, 0.9], [2, 0.05]), 4.1)).toEqual([])
    expect(segmentsFromProbabilities(probs([10, 0.01]), 10)).toEqual([])
  })

  it('cuts speech longer than maxSegmentSec at its least speech-like moment', () => {
    const options = { ...defaultVadOptions, maxSegmentSec: 10 }
    // 16 s of speech with one weaker (but still speech) moment at 12 s.
    const p = probs([6, 0.9], [0.1, 0.4], [9.9, 0.9], [1, 0.01])
    const segments = segmentsFromProbabilities(p, p.length * FRAME, options)
    expect(segments).toHaveLength(2)
    expect(segments.every((s) => s.endSec - s.startSec <= 10 + 2 * options.padSec)).toBe(true)
    expect(segments[0]!.endSec).toBeCloseTo(6, 0)
  })

  it('keeps segments inside the recording', () => {
    const p = probs([3, 0.9])
    expect(segmentsFromProbabilities(p, 2.9)).toEqual([{ startSec: 0, endSec: 2.9 }])
  })
})
