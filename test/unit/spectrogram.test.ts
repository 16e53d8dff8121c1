import { mkdtempSync, rmSync } from 'node:fs'
import { open, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeSpectrogram, SPECTROGRAM_MAX_HZ } from '../../src/main/core/audio/spectrogram'
import type { Spectrogram } from '../../src/shared/domain'
import { SautiError } from '../../src/shared/errors'

const RATE = 16_000
const BIN_HZ = RATE / 512

/** `seconds` of a sine at `hz` (0 Hz: digital silence), amplitude 0.5. */
function tone(hz: number, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE))
  if (hz > 0)
    for (let i = 0; i < out.length; i++) out[i] = 0.5 * Math.sin((2 * Math.PI * hz * i) / RATE)
  return out
}

/** `seconds` of white noise of about one 16-bit step (−90 dBFS): a quiet room, or dither. */
function hiss(seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE))
  let seed = 12345
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    out[i] = 3e-5 * ((2 * seed) / 2 ** 31 - 1)
  }
  return out
}

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const bytesOf = (samples: Float32Array): Uint8Array =>
  new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)

/** What a user would see: each frame's levels, and the time its centre stands for. */
function frames(s: Spectrogram): { t: number; levels: Uint8Array }[] {
  const data = new Uint8Array(Buffer.from(s.data, 'base64'))
  expect(data.length).toBe(s.frames * s.bins)
  return Array.from({ length: s.frames }, (_, f) => ({
    t: s.startSec + (f + 0.5) / s.framesPerSecond,
    levels: data.subarray(f * s.bins, (f + 1) * s.bins),
  }))
}

function brightestHz(levels: Uint8Array): number {
  let best = 0
  for (let k = 1; k < levels.length; k++) if (levels[k]! > levels[best]!) best = k
  return best * BIN_HZ
}

const window = (startSec: number, endSec: number, maxFrames = 1024) => ({
  recordingId: 7,
  startSec,
  endSec,
  maxFrames,
})

describe('spectrogram of a window of the 16 kHz cache', () => {
  let dir: string
  /** 0–2 s: 1 kHz; 2–4 s: 3 kHz; 4–6 s: digital silence; 6–8 s: faint hiss. */
  let pcm: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sauti-spectrogram-'))
    pcm = join(dir, 'tones.f32')
    await writeFile(pcm, bytesOf(concat(tone(1000, 2), tone(3000, 2), tone(0, 2), hiss(2))))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('shows each tone at its frequency, and silence dark', async () => {
    const s = await computeSpectrogram(pcm, window(0, 6, 300))
    expect(s).toMatchObject({ recordingId: 7, startSec: 0, endSec: 6, maxHz: SPECTROGRAM_MAX_HZ })
    expect(s.maxHz).toBe(8000)
    expect(s.bins).toBe(257)
    expect(s.frames).toBeLessThanOrEqual(300)
    expect(s.frames).toBeGreaterThan(200)
    const all = frames(s)
    const during = (a: number, b: number) => all.filter((f) => f.t > a && f.t < b)
    for (const f of during(0.05, 1.95)) {
      expect(Math.abs(brightestHz(f.levels) - 1000)).toBeLessThanOrEqual(BIN_HZ)
      expect(Math.max(...f.levels)).toBeGreaterThan(240)
    }
    for (const f of during(2.05, 3.95)) {
      expect(Math.abs(brightestHz(f.levels) - 3000)).toBeLessThanOrEqual(BIN_HZ)
      expect(Math.max(...f.levels)).toBeGreaterThan(240)
    }
    const silent = during(4.05, 6)
    expect(silent.length).toBeGreaterThan(50)
    for (const f of silent) expect(Math.max(...f.levels)).toBe(0)
    // Far from the tone, a frame of it is dark too: the scale is not stretched to leakage.
    for (const f of during(0.05, 1.95))
      expect(f.levels[Math.round(6000 / BIN_HZ)]!).toBeLessThan(64)
  })

  it('keeps a window of near-silence dark instead of stretching it to full brightness', async () => {
    const s = await computeSpectrogram(pcm, window(6.05, 7.95, 200))
    expect(s.frames).toBe(190)
    for (const f of frames(s)) expect(Math.max(...f.levels)).toBeLessThan(32)
  })

  it('honours the window: the second half alone shows only 3 kHz', async () => {
    const s = await computeSpectrogram(pcm, window(2.5, 3.5, 64))
    expect(s.frames).toBe(64)
    expect(s.frames / s.framesPerSecond).toBeCloseTo(1, 6)
    const k1000 = Math.round(1000 / BIN_HZ)
    for (const f of frames(s)) {
      expect(Math.abs(brightestHz(f.levels) - 3000)).toBeLessThanOrEqual(BIN_HZ)
      for (let k = k1000 - 2; k <= k1000 + 2; k++) expect(f.levels[k]!).toBeLessThan(64)
    }
  })

  it('puts a change of tone where it is in the window', async () => {
    const s = await computeSpectrogram(pcm, window(1.5, 2.5, 100))
    const all = frames(s)
    expect(all.length).toBe(100)
    // Frame centres 10 ms apart; the 25 ms analysis window straddles 2 s in the middle frames.
    for (const f of all.filter((f) => f.t < 1.98))
      expect(Math.abs(brightestHz(f.levels) - 1000)).toBeLessThanOrEqual(BIN_HZ)
    for (const f of all.filter((f) => f.t > 2.02))
      expect(Math.abs(brightestHz(f.levels) - 3000)).toBeLessThanOrEqual(BIN_HZ)
  })

  it('keeps at most maxFrames frames, never closer than 10 ms', async () => {
    const fine = await computeSpectrogram(pcm, window(0, 1, 4096))
    expect(fine.frames).toBe(100)
    expect(fine.framesPerSecond).toBeCloseTo(100, 6)
    const coarse = await computeSpectrogram(pcm, window(0, 6, 37))
    expect(coarse.frames).toBe(37)
    expect(coarse.framesPerSecond).toBeCloseTo(37 / 6, 6)
    const tiny = await computeSpectrogram(pcm, window(1, 1.004, 16))
    expect(tiny.frames).toBe(1)
  })

  it('is dark past the end of the recording', async () => {
    const s = await computeSpectrogram(pcm, window(3, 12, 900))
    const all = frames(s)
    expect(all.length).toBe(900)
    for (const f of all) {
      if (f.t < 3.95) expect(Math.abs(brightestHz(f.levels) - 3000)).toBeLessThanOrEqual(BIN_HZ)
      if (f.t > 8.05) expect(Math.max(...f.levels)).toBe(0)
    }
  })

  it('reads only the window of a recording too long to read whole', async () => {
    // 14 hours at 16 kHz: a 3.2 GiB cache file, more than fs.readFile or one Buffer read
    // accepts (2 GiB). Sparse on disk: silence except a 2 kHz second at 10 h.
    const long = join(dir, 'long.f32')
    const at = 10 * 3600
    const handle = await open(long, 'w')
    try {
      await handle.write(bytesOf(tone(2000, 1)), 0, RATE * 4, at * RATE * 4)
      await handle.truncate(14 * 3600 * RATE * 4)
    } finally {
      await handle.close()
    }
    const s = await computeSpectrogram(long, window(at - 0.5, at + 1.5, 200))
    const all = frames(s)
    expect(all.length).toBe(200)
    for (const f of all) {
      if (f.t > at + 0.05 && f.t < at + 0.95)
        expect(Math.abs(brightestHz(f.levels) - 2000)).toBeLessThanOrEqual(BIN_HZ)
      else if (f.t < at - 0.05 || f.t > at + 1.05) expect(Math.max(...f.levels)).toBe(0)
    }
  })

  it('says which recording has lost its cache file', async () => {
    const missing = join(dir, 'gone.f32')
    const error = await computeSpectrogram(missing, window(0, 1)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SautiError)
    expect((error as SautiError).kind).toBe('not_found')
    expect((error as SautiError).message).toContain('recording 7')
    expect((error as SautiError).message).toContain(missing)
  })
})
