import { randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { SautiError } from '../../../shared/errors'
import { spanSamples } from '../asr/decoded-span'
import type { ProjectPaths } from '../project/paths'

/** An utterance's encoder output: frames × dim, row-major. */
export interface HiddenStates {
  frames: number
  dim: number
  data: Float32Array
}

export const hiddenCacheDir = (p: ProjectPaths): string => join(p.root, 'cache', 'hidden')

/**
 * The cache file of one utterance's hidden states under one model. The samples the encoder read
 * name it (asr/decoded-span.ts `spanSamples`): after its edges move by as little as a sample, the
 * old file no longer matches and is not used, and spans that read the same audio share it.
 */
export function hiddenCacheFile(
  dir: string,
  modelKey: string,
  u: { id: number; startSec: number; endSec: number },
): string {
  const { start, end } = spanSamples(u)
  return join(dir, modelKey, `${u.id}_${start}_${end}.f16`)
}

/** Layout: u32 frames, u32 dim, then frames × dim IEEE half floats, little-endian. */
export async function writeHiddenStates(
  file: string,
  hidden: HiddenStates,
  stagingDir: string,
): Promise<void> {
  const bytes = new Uint8Array(8 + hidden.data.length * 2)
  const view = new DataView(bytes.buffer)
  view.setUint32(0, hidden.frames, true)
  view.setUint32(4, hidden.dim, true)
  // The floats' bits read in place: one view of the whole array, not a store and load per value.
  const bits = new Uint32Array(hidden.data.buffer, hidden.data.byteOffset, hidden.data.length)
  for (let i = 0; i < bits.length; i++) view.setUint16(8 + i * 2, halfOfBits(bits[i]!), true)
  // Written in the staging folder and renamed: a reader never sees half a file, and a killed
  // process leaves it where the next start removes it. The folders are made only when missing
  // (labelling writes one file per utterance, and two mkdir calls each were a measurable part).
  const temporary = join(stagingDir, `hidden-${randomUUID()}`)
  await inFolder(stagingDir, () => writeFile(temporary, bytes))
  await inFolder(dirname(file), () => rename(temporary, file))
}

/** Runs a write; where its folder is missing, makes the folder and runs it again. */
async function inFolder(folder: string, write: () => Promise<void>): Promise<void> {
  try {
    await write()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    await mkdir(folder, { recursive: true })
    await write()
  }
}

export async function readHiddenStates(file: string): Promise<HiddenStates> {
  const bytes = await readFile(file)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const frames = bytes.length >= 8 ? view.getUint32(0, true) : 0
  const dim = bytes.length >= 8 ? view.getUint32(4, true) : 0
  if (bytes.length < 8 || dim === 0 || bytes.length !== 8 + frames * dim * 2)
    throw new SautiError(
      'bad_input',
      `${file}: not a hidden-state cache file (${bytes.length} bytes for ${frames} × ${dim}); delete it and it is recomputed.`,
      { file },
    )
  const data = new Float32Array(frames * dim)
  for (let i = 0; i < data.length; i++) data[i] = fromHalf(view.getUint16(8 + i * 2, true))
  return { frames, dim, data }
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** float32 → IEEE 754 half (round to nearest; overflow to infinity). */
export function toHalf(value: number): number {
  f32[0] = value
  return halfOfBits(u32[0]!)
}

/** A float32, given as its bits, → IEEE 754 half. */
function halfOfBits(x: number): number {
  const sign = (x >>> 16) & 0x8000
  const exponent = ((x >>> 23) & 0xff) - 127 + 15
  const mantissa = x & 0x7fffff
  if (exponent >= 31) return sign | 0x7c00 | ((x & 0x7fffffff) > 0x7f800000 ? 0x200 : 0)
  if (exponent <= 0) {
    if (exponent < -10) return sign
    const m = (mantissa | 0x800000) >> (1 - exponent)
    return sign | ((m + 0x1000) >> 13)
  }
  // + not |: a mantissa that rounds up carries into the exponent.
  return sign | ((exponent << 10) + ((mantissa + 0x1000) >> 13))
}

/** IEEE 754 half → number. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exponent = (h >>> 10) & 0x1f
  const mantissa = h & 0x3ff
  if (exponent === 0) return sign * mantissa * 2 ** -24
  if (exponent === 31) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}
