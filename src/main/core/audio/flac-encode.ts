import { createHash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import flac from '@audio/encode-flac'
import { SautiError } from '../../../shared/errors'

/** Samples [from, to) of a recording's 16 kHz float32 cache file, to be written as FLAC to `out`. */
export interface FlacSpan {
  pcmPath: string
  from: number
  to: number
  /** The absolute path of the new file; it must not exist. */
  out: string
}

export interface EncodedFlac {
  /** The file's size. */
  bytes: number
  samples: number
}

const sampleRate = 16000
const chunk = 1 << 16
/** "fLaC", then the STREAMINFO block's header (not last, type 0, 34 bytes) and the block. */
const streamInfoHeader = Buffer.from([0x66, 0x4c, 0x61, 0x43, 0x00, 0x00, 0x00, 0x22])
const streamInfoAt = 8

/**
 * A sample as the WAV export writes it (`ExportDir.writeWav`): clipped to [-1, 1], scaled by
 * 32767 and rounded. The FLAC encoder scales and rounds the clipped value the same way, so a FLAC
 * segment decodes to exactly the int16 samples of the WAV segment of the same utterance.
 */
const clip = (v: number): number => Math.max(-1, Math.min(1, v))

function writeFailed(error: unknown, file: string): SautiError {
  const e = error as NodeJS.ErrnoException
  if (e instanceof SautiError) return e
  // The code travels with the error out of the worker, so the caller can name its own path.
  return new SautiError('store', `could not write ${file}: ${e.message}`, {
    file,
    ...(e.code ? { code: e.code } : {}),
  })
}

/**
 * Encodes a span of a 16 kHz cache file as a 16 kHz, 16-bit, mono FLAC file (libFLAC through
 * `@audio/encode-flac`, compression level 5), reading and encoding in chunks, so a two-hour
 * recording takes no more memory than a clip. Past the cache's end (a frame's rounding) is
 * silence, as in the WAV export.
 *
 * The encoder writes a stream, so libFLAC cannot go back to fill in STREAMINFO's total sample
 * count and MD5 signature; both are known here and patched in at the end, so tools report the
 * duration (`soxi -D`) and `flac -t` can verify the audio.
 */
export async function encodeFlacSpan(span: FlacSpan): Promise<EncodedFlac> {
  const { pcmPath, from, out } = span
  const to = Math.max(from, span.to)
  const source = await open(pcmPath, 'r').catch(() => {
    throw new SautiError('not_found', `the 16 kHz audio cache ${pcmPath} is missing.`)
  })
  let target: FileHandle | null = null
  const encoder = await flac({ sampleRate, channels: 1, bitDepth: 16, compression: 5 })
  try {
    target = await open(out, 'wx+').catch((e: unknown) => {
      throw writeFailed(e, out)
    })
    const md5 = createHash('md5')
    let bytes = 0
    const emit = async (data: Uint8Array): Promise<void> => {
      if (!data.length) return
      await target!.write(data, 0, data.length, bytes).catch((e: unknown) => {
        throw writeFailed(e, out)
      })
      bytes += data.length
    }
    const floats = Buffer.alloc(chunk * 4)
    const samples = new Float32Array(chunk)
    const pcm = Buffer.alloc(chunk * 2)
    // An empty span still needs the stream's header: the first call writes it.
    if (to === from) await emit(encoder.encode([new Float32Array(0)]))
    for (let at = from; at < to; at += chunk) {
      const n = Math.min(chunk, to - at)
      const { bytesRead } = await source.read(floats, 0, n * 4, at * 4)
      for (let i = 0; i < n; i++) {
        const v = i * 4 < bytesRead ? clip(floats.readFloatLE(i * 4)) : 0
        samples[i] = v
        // STREAMINFO's MD5 is of the samples as signed little-endian 16-bit integers.
        pcm.writeInt16LE(Math.round(v * 32767) || 0, i * 2)
      }
      md5.update(pcm.subarray(0, n * 2))
      await emit(encoder.encode([samples.subarray(0, n)]))
    }
    await emit(encoder.flush())
    const head = Buffer.alloc(streamInfoAt + 34)
    await target.read(head, 0, head.length, 0)
    if (!head.subarray(0, streamInfoAt).equals(streamInfoHeader))
      throw new SautiError('internal', `${out}: the FLAC encoder wrote no STREAMINFO block first.`)
    // Bytes 21–25 of the file: the low 4 bits of byte 21 and bytes 22–25 hold the 36-bit count.
    const total = to - from
    const patch = Buffer.alloc(21)
    patch[0] = (head[21]! & 0xf0) | (Math.floor(total / 2 ** 32) & 0x0f)
    patch.writeUInt32BE(total >>> 0, 1)
    md5.digest().copy(patch, 5)
    await target.write(patch, 0, patch.length, 21).catch((e: unknown) => {
      throw writeFailed(e, out)
    })
    return { bytes, samples: total }
  } finally {
    encoder.free()
    await target?.close()
    await source.close()
  }
}
