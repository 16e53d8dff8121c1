import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { AudioFormat } from '../../../shared/domain'
import { MODEL_SAMPLE_RATE } from '../../../shared/domain/audio'
import { SautiError } from '../../../shared/errors'
import { downmix, openDecoder, type DecodedAudio } from './decode'
import { encodePeaks, PeakAccumulator } from './peaks'
import { StreamResampler } from './resample'
import { PROBE_BYTES, sniffAudio } from './sniff'
import { streamCheck } from './stream-check'

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
  /** What the checks found odd but harmless (bytes after the last page, a partial frame). */
  warnings: string[]
}

export interface PrepareTargets {
  original: (sha256: string, format: AudioFormat) => string
  pcm: (sha256: string) => string
  peaks: (sha256: string) => string
  /** Where files are written until they are whole (the process's staging folder). */
  staging: string
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

async function readAt(path: string, position: number, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    const buffer = new Uint8Array(length)
    const { bytesRead } = await handle.read(buffer, 0, length, position)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** A file written under a temporary name in the staging folder, renamed into the store once complete. */
class PendingFile {
  private constructor(
    readonly tmp: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(staging: string): Promise<PendingFile> {
    await mkdir(staging, { recursive: true })
    const tmp = join(staging, `incoming-${randomBytes(8).toString('hex')}`)
    return new PendingFile(tmp, await open(tmp, 'w'))
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.byteLength > 0) await this.handle.write(bytes)
  }

  /** Bytes written so far. */
  async size(): Promise<number> {
    return (await this.handle.stat()).size
  }

  async writeFloats(samples: Float32Array): Promise<void> {
    await this.write(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength))
  }

  /** Moves the file to `target`, unless a file with that content-addressed name exists. */
  async commit(target: string, created: string[]): Promise<void> {
    await this.handle.close()
    const exists = await stat(target).then(
      () => true,
      () => false,
    )
    if (exists) return void (await rm(this.tmp, { force: true }))
    await mkdir(dirname(target), { recursive: true })
    await rename(this.tmp, target)
    created.push(target)
  }

  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined)
    await rm(this.tmp, { force: true })
  }
}

/**
 * Reads one audio file in a single streaming pass: hashes it, copies the original, decodes,
 * mixes to mono, accumulates waveform peaks and resamples to 16 kHz, chunk by chunk, so memory
 * stays flat whatever the recording's length. Everything is written under temporary names and
 * renamed only when the whole file has been read and decoded. Runs in an audio worker.
 */
export async function prepareAudio(
  path: string,
  targets: PrepareTargets,
  onProgress?: (fraction: number) => void,
): Promise<PreparedAudio> {
  const { size } = await statFile(path)
  const head = await readAt(path, 0, PROBE_BYTES)
  const tail = size > PROBE_BYTES ? await readAt(path, size - PROBE_BYTES, PROBE_BYTES) : head
  const probe = { head, tail, size }
  const sniffed = sniffAudio(probe, path)
  const { format, bitDepth } = sniffed
  const check = streamCheck(format, probe, path)
  const decoder = await openDecoder(format)

  const pending: PendingFile[] = []
  const track = async (): Promise<PendingFile> => {
    const file = await PendingFile.create(targets.staging)
    pending.push(file)
    return file
  }
  let resampler: StreamResampler | null = null
  try {
    const original = await track()
    const pcm = await track()
    const hash = createHash('sha256')
    let sampleRate = 0
    let channels = 0
    let frames = 0
    let peaks: PeakAccumulator | null = null
    let read = 0

    const take = async (decoded: DecodedAudio): Promise<void> => {
      const mono = downmix(decoded.channelData)
      if (mono.length === 0) return
      if (sampleRate && decoded.sampleRate !== sampleRate)
        throw new SautiError(
          'bad_input',
          `${path}: the sample rate changes inside the file (${sampleRate} Hz, then ${decoded.sampleRate} Hz); split it where it changes.`,
          { file: path },
        )
      check.decoded(decoded.channelData)
      if (!sampleRate) {
        sampleRate = decoded.sampleRate
        channels = decoded.channelData.length
        peaks = new PeakAccumulator(sampleRate)
        if (sampleRate !== MODEL_SAMPLE_RATE)
          resampler = await StreamResampler.create(sampleRate, MODEL_SAMPLE_RATE)
      }
      frames += mono.length
      peaks!.push(mono)
      await pcm.writeFloats(resampler ? resampler.process(mono) : mono)
    }

    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      const bytes = new Uint8Array(
        (chunk as Buffer).buffer,
        (chunk as Buffer).byteOffset,
        (chunk as Buffer).byteLength,
      )
      hash.update(bytes)
      check.push(bytes)
      await original.write(bytes)
      await take(decodeChunk(decoder, bytes, format, path))
      read += bytes.byteLength
      onProgress?.(read / size)
    }
    await take(decodeChunk(decoder, null, format, path))
    if (resampler) await pcm.writeFloats((resampler as StreamResampler).finish())

    if (!sampleRate || frames === 0 || !peaks) {
      throw new SautiError(
        'bad_input',
        `${path}: the ${format.toUpperCase()} file decoded to no audio.`,
        { file: path },
      )
    }
    const warnings = check.finish(frames, sampleRate)
    if ((await pcm.size()) === 0)
      throw new SautiError(
        'bad_input',
        `${path}: the ${format.toUpperCase()} file is too short to hold a single 16 kHz sample (${frames} samples at ${sampleRate} Hz).`,
        { file: path },
      )
    const peaksFile = await track()
    await peaksFile.write(encodePeaks((peaks as PeakAccumulator).finish()))

    const sha256 = hash.digest('hex')
    const created: string[] = []
    try {
      await original.commit(targets.original(sha256, format), created)
      await pcm.commit(targets.pcm(sha256), created)
      await peaksFile.commit(targets.peaks(sha256), created)
    } catch (error) {
      await Promise.all(created.map((f) => rm(f, { force: true })))
      throw error
    }
    pending.length = 0
    return {
      sha256,
      format,
      byteSize: size,
      sampleRate,
      channels: sniffed.channels ?? channels,
      bitDepth,
      durationSec: frames / sampleRate,
      created,
      warnings,
    }
  } catch (error) {
    await Promise.all(pending.map((f) => f.discard()))
    throw asStoreError(error, path)
  } finally {
    ;(resampler as StreamResampler | null)?.destroy()
    decoder.free()
  }
}

function decodeChunk(
  decoder: Awaited<ReturnType<typeof openDecoder>>,
  bytes: Uint8Array | null,
  format: AudioFormat,
  file: string,
): DecodedAudio {
  try {
    return bytes ? decoder.decode(bytes) : decoder.flush()
  } catch (error) {
    throw new SautiError(
      'bad_input',
      `${file}: the ${format.toUpperCase()} data could not be decoded (${(error as Error).message}).`,
      { file },
    )
  }
}

function asStoreError(error: unknown, path: string): unknown {
  if (error instanceof SautiError) return error
  const code = (error as NodeJS.ErrnoException).code
  if (typeof code !== 'string' || !code.startsWith('E')) return error
  const reason = code === 'ENOSPC' ? 'the disk is full' : (error as Error).message
  return new SautiError(
    'store',
    `${path}: could not store the audio (${reason}); nothing was imported.`,
    { file: path, code },
  )
}
