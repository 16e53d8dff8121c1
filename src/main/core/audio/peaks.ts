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

export function computePeaks(mono: Float32Array, sampleRate: number): PeakLevel[] {
  const duration = mono.length / sampleRate
  const finestRate = peakLevels[0]
  const finest = bucketMax(mono, sampleRate, finestRate, duration)
  const levels: PeakLevel[] = [{ peaksPerSecond: finestRate, data: finest }]
  for (const rate of peakLevels.slice(1)) {
    // Coarser levels are maxima over the finest one; every rate divides the finest.
    const factor = finestRate / rate
    const count = Math.max(1, Math.ceil(duration * rate))
    const data = new Uint16Array(count)
    for (let i = 0; i < count; i++) {
      let max = 0
      const end = Math.min(finest.length, (i + 1) * factor)
      for (let j = i * factor; j < end; j++) max = Math.max(max, finest[j] ?? 0)
      data[i] = max
    }
    levels.push({ peaksPerSecond: rate, data })
  }
  return levels
}

function bucketMax(
  mono: Float32Array,
  sampleRate: number,
  rate: number,
  duration: number,
): Uint16Array {
  const count = Math.max(1, Math.ceil(duration * rate))
  const data = new Uint16Array(count)
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * sampleRate) / rate)
    const end = Math.min(mono.length, Math.floor(((i + 1) * sampleRate) / rate))
    let max = 0
    for (let j = start; j < end; j++) {
      const v = Math.abs(mono[j] ?? 0)
      if (v > max) max = v
    }
    data[i] = Math.round(Math.min(1, max) * 65535)
  }
  return data
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
