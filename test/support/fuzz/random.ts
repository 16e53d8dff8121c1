/** A seeded random source (mulberry32), so every fuzz run makes the same inputs. */
export class Random {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min))
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length)]!
  }
}

/** What a malformed input looks like to the suite. */
export interface FuzzCase {
  /** The importer it goes to, as the fuzz table counts it. */
  kind: string
  /** What was done to the seed, e.g. "truncate at 61 %". */
  name: string
  /**
   * Whether the input lies (damaged, truncated, over the limits, not what it says it is): then it
   * must be refused, or accepted with a warning. Noise a format cannot detect (a flipped sample
   * in PCM) does not lie; it must only be handled without a crash or a partial write.
   */
  lies: boolean
  /** Files to write, relative to the case's folder. */
  files: { path: string; bytes: Uint8Array }[]
  /** What to import, relative to the case's folder. */
  entry: string
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s)
export const latin1 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'))

/** Replaces bytes [at, at + count) with random ones. */
export function scramble(r: Random, bytes: Uint8Array, at: number, count: number): Uint8Array {
  const out = bytes.slice()
  for (let i = at; i < Math.min(out.length, at + count); i++) out[i] = r.int(0, 256)
  return out
}

export function splice(bytes: Uint8Array, at: number, insert: Uint8Array): Uint8Array {
  return Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at)])
}
