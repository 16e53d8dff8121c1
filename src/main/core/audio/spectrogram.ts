/**
 * Spectrogram of a window of a recording, from its 16 kHz float cache (`cache/pcm16k/<sha>.f32`).
 *
 * Only the window (plus half an FFT frame each side) is read, with positioned reads of a file
 * handle in pieces of at most 1 MiB: a window of a long recording costs the same as the same
 * window of a short one, and the recording is never read or decoded whole.
 */
import { open, type FileHandle } from 'node:fs/promises'
import FFT from 'fft.js'
import type { Spectrogram } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { MODEL_SAMPLE_RATE } from '../../../shared/domain/audio'

const SAMPLE_RATE = MODEL_SAMPLE_RATE
/** 512-point FFT: 31.25 Hz a bin at 16 kHz. */
export const FFT_SIZE = 512
/** 25 ms Hann analysis window, zero-padded to the FFT size. */
const WINDOW_LENGTH = Math.round(0.025 * SAMPLE_RATE)
/** Frames are never closer than 10 ms. */
const MIN_HOP = Math.round(0.01 * SAMPLE_RATE)
/** Half an FFT frame of context is read on each side of the window. */
const CONTEXT = FFT_SIZE / 2
export const SPECTROGRAM_MAX_HZ = 8000
const BINS = Math.floor(SPECTROGRAM_MAX_HZ / (SAMPLE_RATE / FFT_SIZE)) + 1
/** Levels shown: this many dB below the loudest bin of the window… */
export const DYNAMIC_RANGE_DB = 80
/**
 * …and the top of the scale is never below this level (dB re a full-scale sine), so the floor
 * is never above −100 dBFS: silence and quiet noise stay dark instead of being stretched to
 * full brightness.
 */
const MIN_TOP_DB = -20
/** Samples a read brings in when frames are close together (1 MiB). */
const CHUNK = 1 << 18

export interface SpectrogramWindow {
  /** Named in errors, and echoed in the result. */
  recordingId: number
  startSec: number
  endSec: number
  /** The result has at most this many frames (e.g. the pixel width it is drawn at). */
  maxFrames: number
}

/** Periodic Hann window, scaled so a full-scale sine reads 1 (0 dB) at its bin. */
function hannWindow(length: number): Float64Array {
  const w = new Float64Array(length)
  let sum = 0
  for (let n = 0; n < length; n++) {
    w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / length)
    sum += w[n]!
  }
  for (let n = 0; n < length; n++) w[n] = (w[n]! * 2) / sum
  return w
}

const HANN = hannWindow(WINDOW_LENGTH)

/**
 * Reads samples [from, to) of the window's range with positioned reads, keeping one piece of the
 * file in memory; samples outside the file read as 0.
 */
class RangeReader {
  private piece = new Float32Array(0)
  private pieceStart = 0

  constructor(
    private readonly handle: FileHandle,
    /** Samples in the file. */
    private readonly total: number,
    /** The part of the file this reader may touch: the window and its context. */
    private readonly lo: number,
    private readonly hi: number,
    /** How many samples to bring in at once beyond what is asked. */
    private readonly readAhead: number,
  ) {}

  /** Copies samples [from, from + out.length) into `out`. */
  async copy(out: Float32Array, from: number): Promise<void> {
    out.fill(0)
    const a = Math.max(from, this.lo, 0)
    const b = Math.min(from + out.length, this.hi, this.total)
    if (b <= a) return
    if (a < this.pieceStart || b > this.pieceStart + this.piece.length) await this.load(a, b)
    out.set(this.piece.subarray(a - this.pieceStart, b - this.pieceStart), a - from)
  }

  private async load(a: number, b: number): Promise<void> {
    const end = Math.min(Math.max(b, a + this.readAhead), this.hi, this.total)
    const piece = new Float32Array(end - a)
    const bytes = new Uint8Array(piece.buffer)
    let done = 0
    while (done < bytes.length) {
      const { bytesRead } = await this.handle.read(bytes, done, bytes.length - done, a * 4 + done)
      if (bytesRead === 0) break
      done += bytesRead
    }
    this.piece = piece
    this.pieceStart = a
  }
}

/**
 * A log-magnitude spectrogram of [startSec, endSec) of the 16 kHz float32 file at `pcmPath`.
 *
 * Frame `i` is centred on `startSec + (i + 0.5) / framesPerSecond`; there are at most `maxFrames`
 * frames, never closer than 10 ms. Each frame is a 25 ms Hann window zero-padded to a 512-point
 * FFT; bins run from 0 Hz to 8000 Hz (31.25 Hz apart). Levels are mapped to 0…255 over the
 * 80 dB below the window's loudest bin (see `MIN_TOP_DB`). A window running past the end of the
 * recording is silent (0) there.
 */
export async function computeSpectrogram(
  pcmPath: string,
  window: SpectrogramWindow,
): Promise<Spectrogram> {
  const { recordingId, startSec, endSec } = window
  const maxFrames = Math.floor(window.maxFrames)
  if (!(startSec >= 0) || !(endSec > startSec) || !(maxFrames >= 1))
    throw new SautiError(
      'validation',
      `recording ${recordingId}: a spectrogram needs 0 ≤ start < end and at least one frame ` +
        `(got ${startSec}–${endSec} s, ${window.maxFrames} frames)`,
    )

  let handle: FileHandle
  try {
    handle = await open(pcmPath, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw SautiError.saying(
        'not_found',
        'audioCacheMissing',
        { id: recordingId, path: pcmPath },
        { recordingId, path: pcmPath },
      )
    throw error
  }

  try {
    const total = Math.floor((await handle.stat()).size / 4)
    const startSample = Math.round(startSec * SAMPLE_RATE)
    const span = Math.max(1, Math.round(endSec * SAMPLE_RATE) - startSample)
    const frames = Math.max(1, Math.min(maxFrames, Math.floor(span / MIN_HOP)))
    const hop = span / frames
    const reader = new RangeReader(
      handle,
      total,
      startSample - CONTEXT,
      startSample + span + CONTEXT,
      // Close frames: read ahead in 1 MiB pieces. Frames a second or more apart: read each alone.
      hop <= CHUNK / 16 ? CHUNK : 0,
    )

    const fft = new FFT(FFT_SIZE)
    const input = new Float64Array(FFT_SIZE)
    const spectrum = new Float64Array(FFT_SIZE * 2)
    const samples = new Float32Array(WINDOW_LENGTH)
    const levels = new Float32Array(frames * BINS)
    let loudest = -Infinity
    for (let f = 0; f < frames; f++) {
      const centre = startSample + Math.floor((f + 0.5) * hop)
      await reader.copy(samples, centre - WINDOW_LENGTH / 2)
      for (let n = 0; n < WINDOW_LENGTH; n++) input[n] = samples[n]! * HANN[n]!
      fft.realTransform(spectrum, input)
      for (let k = 0; k < BINS; k++) {
        const re = spectrum[2 * k]!
        const im = spectrum[2 * k + 1]!
        // 10·log10(power) = 20·log10(magnitude); -Infinity for digital silence.
        const db = 10 * Math.log10(re * re + im * im)
        levels[f * BINS + k] = db
        if (db > loudest) loudest = db
      }
    }

    const top = Math.max(loudest, MIN_TOP_DB)
    const floor = top - DYNAMIC_RANGE_DB
    const scale = 255 / DYNAMIC_RANGE_DB
    const data = new Uint8Array(levels.length)
    for (let i = 0; i < levels.length; i++) {
      const v = Math.round((levels[i]! - floor) * scale)
      data[i] = v > 255 ? 255 : v > 0 ? v : 0
    }

    return {
      recordingId,
      startSec,
      endSec,
      framesPerSecond: frames / (endSec - startSec),
      frames,
      bins: BINS,
      maxHz: SPECTROGRAM_MAX_HZ,
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
    }
  } finally {
    await handle.close()
  }
}
