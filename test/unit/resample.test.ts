import { describe, expect, it } from 'vitest'
import { resampleMono } from '../../src/main/core/audio/resample'

const tone = (rate: number, seconds: number, hz: number): Float32Array =>
  Float32Array.from(
    { length: Math.round(rate * seconds) },
    (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate),
  )

describe('resampling to 16 kHz', () => {
  it.each([44_100, 48_000, 22_050, 8_000])(
    'keeps length, pitch and timing from %i Hz',
    async (rate) => {
      const out = await resampleMono(tone(rate, 1.25, 440), rate, 16_000)
      expect(out.length).toBe(Math.round((1.25 * rate * 16_000) / rate))
      // The filter delay is removed: away from the edges the output matches the ideal 16 kHz tone.
      const ideal = tone(16_000, 1.25, 440)
      let worst = 0
      for (let i = 800; i < out.length - 800; i++)
        worst = Math.max(worst, Math.abs(out[i]! - ideal[i]!))
      expect(worst).toBeLessThan(0.02)
    },
  )

  it('removes what 16 kHz cannot carry instead of folding it back', async () => {
    const out = await resampleMono(tone(48_000, 1, 12_000), 48_000, 16_000)
    const rms = Math.sqrt(
      out.slice(1000, -1000).reduce((s, v) => s + v * v, 0) / (out.length - 2000),
    )
    expect(rms).toBeLessThan(0.01)
  })

  it('returns 16 kHz input unchanged', async () => {
    const input = tone(16_000, 0.5, 300)
    expect(await resampleMono(input, 16_000, 16_000)).toBe(input)
  })
})
