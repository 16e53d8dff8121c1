import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { AudioFormat } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { decodeAudio, downmix } from './decode'
import { computePeaks, encodePeaks } from './peaks'
import { resampleMono } from './resample'
import { sniffAudio } from './sniff'

/** The model-side sample rate: every model package expects 16 kHz mono float. */
export const MODEL_SAMPLE_RATE = 16_000

export interface PreparedAudio {
  sha256: string
  format: AudioFormat
  byteSize: number
  sampleRate: number
  channels: number
  bitDepth: number | null
  durationSec: number
  /** Files this call created (and that must be removed if the import is rolled back). */
  created: string[]
}

export interface PrepareTargets {
  original: (sha256: string, format: AudioFormat) => string
  pcm: (sha256: string) => string
  peaks: (sha256: string) => string
}

export async function hashFile(path: string): Promise<{ sha256: string; byteSize: number }> {
  const info = await statFile(path)
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return { sha256: hash.digest('hex'), byteSize: info.size }
}

async function statFile(path: string): Promise<{ size: number }> {
  let info
  try {
    info = await stat(path)
  } catch (error) {
    throw new SautiError(
      'not_found',
      `${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      { file: path },
    )
  }
  if (!info.isFile())
    throw new SautiError('bad_input', `${path}: not a regular file.`, { file: path })
  if (info.size === 0)
    throw new SautiError('bad_input', `${path}: the file is empty.`, { file: path })
  return info
}

/**
 * Reads, checks and decodes one audio file, then writes its content-addressed original, a
 * 16 kHz mono float32 copy for models, and its waveform peaks. Runs in an audio worker.
 * Each file is written under a temporary name and renamed, so a reader never sees half a file.
 */
export async function prepareAudio(path: string, targets: PrepareTargets): Promise<PreparedAudio> {
  await statFile(path)
  const bytes = new Uint8Array(await readFile(path))
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const sniffed = sniffAudio(bytes, path)
  const { format, bitDepth } = sniffed
  const decoded = await decodeAudio(bytes, format, path)
  const mono = downmix(decoded.channelData)
  const durationSec = mono.length / decoded.sampleRate
  const peaks = encodePeaks(computePeaks(mono, decoded.sampleRate))
  const pcm = await resampleMono(mono, decoded.sampleRate, MODEL_SAMPLE_RATE)

  const created: string[] = []
  try {
    await writeOnce(targets.original(sha256, format), created, (tmp) => copyFile(path, tmp))
    await writeOnce(targets.pcm(sha256), created, (tmp) =>
      writeFile(tmp, new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength)),
    )
    await writeOnce(targets.peaks(sha256), created, (tmp) => writeFile(tmp, peaks))
  } catch (error) {
    await Promise.all(created.map((f) => rm(f, { force: true })))
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOSPC' ? 'the disk is full' : (error as Error).message
    throw new SautiError(
      'store',
      `${path}: could not store the audio (${reason}); nothing was imported.`,
      { file: path, code },
    )
  }
  return {
    sha256,
    format,
    byteSize: bytes.byteLength,
    sampleRate: decoded.sampleRate,
    channels: sniffed.channels ?? decoded.channelData.length,
    bitDepth,
    durationSec,
    created,
  }
}

async function writeOnce(
  target: string,
  created: string[],
  write: (tmp: string) => Promise<void>,
): Promise<void> {
  try {
    await stat(target)
    return // content-addressed: an existing file already holds these bytes
  } catch {
    // not there yet
  }
  await mkdir(dirname(target), { recursive: true })
  const tmp = `${target}.tmp-${randomBytes(6).toString('hex')}`
  try {
    await write(tmp)
    await rename(tmp, target)
    created.push(target)
  } catch (error) {
    await rm(tmp, { force: true })
    throw error
  }
}
