/**
 * Multi-resolution waveform peaks: the maximum absolute amplitude per time bucket, at a few
 * fixed rates, quantised to 16 bits. Computed once at import from the decoded original (the
 * exact file the UI plays), cached on disk, and served at the finest level that fits the
 * caller's budget, so a 2-hour recording draws as fast as a short clip.
 */
export const peakLevels = [400, 100, 25, 5, 1] as const // peaks per second

export interface PeakLevel {
  peaksPerSecond: number
  data: Uint16Array
}

const MAGIC = 0x314b5053 // "SPK1"

/**
 * Accumulates the finest level while audio streams through, in constant memory per second of
 * audio (two bytes per bucket); the coarser levels are derived at the end.
 */
export class PeakAccumulator {
  private data = new Uint16Array(4096)
  private buckets = 0
  private samples = 0
  private bucketEnd: number
  private max = 0
  private readonly rate = peakLevels[0]

  constructor(private readonly sampleRate: number) {
    this.bucketEnd = this.boundary(1)
  }

  /** Sample index where bucket `b` begins: buckets need not hold a whole number of samples. */
  private boundary(b: number): number {
    return Math.floor((b * this.sampleRate) / this.rate)
  }

  push(mono: Float32Array): void {
    for (let i = 0; i < mono.length; i++) {
      while (this.samples >= this.bucketEnd) this.closeBucket()
      const v = Math.abs(mono[i]!)
      if (v > this.max) this.max = v
      this.samples++
    }
  }

  private closeBucket(): void {
    if (this.buckets === this.data.length) {
      const grown = new Uint16Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.buckets++] = Math.round(Math.min(1, this.max) * 65535)
    this.max = 0
    this.bucketEnd = this.boundary(this.buckets + 1)
  }

  finish(): PeakLevel[] {
    const count = Math.max(1, Math.ceil((this.samples / this.sampleRate) * this.rate))
    while (this.buckets < count) this.closeBucket()
    const finest = this.data.slice(0, count)
    const levels: PeakLevel[] = [{ peaksPerSecond: this.rate, data: finest }]
    const duration = this.samples / this.sampleRate
    for (const rate of peakLevels.slice(1)) {
      // Coarser levels are maxima over the finest one; every rate divides the finest.
      const factor = this.rate / rate
      const coarse = new Uint16Array(Math.max(1, Math.ceil(duration * rate)))
      for (let i = 0; i < coarse.length; i++) {
        let max = 0
        const end = Math.min(finest.length, (i + 1) * factor)
        for (let j = i * factor; j < end; j++) max = Math.max(max, finest[j]!)
        coarse[i] = max
      }
      levels.push({ peaksPerSecond: rate, data: coarse })
    }
    return levels
  }
}

/** Peaks of a whole signal at once. */
export function computePeaks(mono: Float32Array, sampleRate: number): PeakLevel[] {
  const accumulator = new PeakAccumulator(sampleRate)
  accumulator.push(mono)
  return accumulator.finish()
}

/** Layout: magic, level count, then per level (rate f32, count u32), then each level's u16 data. */
export function encodePeaks(levels: PeakLevel[]): Uint8Array {
  const header = 8 + levels.length * 8
  const total = header + levels.reduce((n, l) => n + l.data.byteLength, 0)
  const bytes = new Uint8Array(total)
  const view = new DataView(bytes.buffer)
  view.setUint32(0, MAGIC, true)
  view.setUint32(4, levels.length, true)
  let offset = header
  levels.forEach((level, i) => {
    view.setFloat32(8 + i * 8, level.peaksPerSecond, true)
    view.setUint32(12 + i * 8, level.data.length, true)
    bytes.set(
      new Uint8Array(level.data.buffer, level.data.byteOffset, level.data.byteLength),
      offset,
    )
    offset += level.data.byteLength
  })
  return bytes
}

export function decodePeaks(bytes: Uint8Array): PeakLevel[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length < 8 || view.getUint32(0, true) !== MAGIC)
    throw new Error('not a Sauti peaks file')
  const count = view.getUint32(4, true)
  let offset = 8 + count * 8
  const levels: PeakLevel[] = []
  for (let i = 0; i < count; i++) {
    const peaksPerSecond = view.getFloat32(8 + i * 8, true)
    const length = view.getUint32(12 + i * 8, true)
    const copy = bytes.slice(offset, offset + length * 2)
    levels.push({ peaksPerSecond, data: new Uint16Array(copy.buffer, 0, length) })
    offset += length * 2
  }
  return levels
}

/** The finest level with at most `maxPeaks` values, or the coarsest when none fits. */
export function pickLevel(levels: PeakLevel[], maxPeaks: number): PeakLevel {
  const sorted = [...levels].sort((a, b) => b.peaksPerSecond - a.peaksPerSecond)
  const fit = sorted.find((l) => l.data.length <= maxPeaks)
  const level = fit ?? sorted[sorted.length - 1]
  if (!level) throw new Error('no peak levels')
  return level
}
