import { describe, expect, it } from 'vitest'
import {
  computePeaks,
  decodePeaks,
  encodePeaks,
  peakLevels,
  pickLevel,
} from '../../src/main/core/audio/peaks'

function burst(
  sampleRate: number,
  seconds: number,
  loudFrom: number,
  loudTo: number,
): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * seconds))
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate
    out[i] = (t >= loudFrom && t < loudTo ? 0.8 : 0.01) * Math.sin(2 * Math.PI * 220 * t)
  }
  return out
}

describe('waveform peaks', () => {
  it('puts the loud part of the signal where it is in time, at every level', () => {
    const levels = computePeaks(burst(44_100, 3, 1, 2), 44_100)
    expect(levels.map((l) => l.peaksPerSecond)).toEqual([...peakLevels])
    for (const level of levels) {
      expect(level.data.length).toBe(Math.ceil(3 * level.peaksPerSecond))
      const at = (t: number): number =>
        (level.data[Math.floor(t * level.peaksPerSecond)] ?? 0) / 65535
      expect(at(1.5)).toBeGreaterThan(0.75)
      if (level.peaksPerSecond >= 5) expect(at(0.5)).toBeLessThan(0.02)
    }
  })

  it('survives encoding to the cache file', () => {
    const levels = computePeaks(burst(16_000, 2.3, 0.2, 0.9), 16_000)
    const decoded = decodePeaks(encodePeaks(levels))
    expect(decoded.map((l) => [l.peaksPerSecond, Array.from(l.data)])).toEqual(
      levels.map((l) => [l.peaksPerSecond, Array.from(l.data)]),
    )
  })

  it('serves the finest level that fits the budget', () => {
    const levels = computePeaks(burst(16_000, 10, 1, 2), 16_000)
    expect(pickLevel(levels, 5000).peaksPerSecond).toBe(400)
    expect(pickLevel(levels, 3999).peaksPerSecond).toBe(100)
    expect(pickLevel(levels, 100).peaksPerSecond).toBe(5)
    expect(pickLevel(levels, 1).peaksPerSecond).toBe(1)
  })
})
