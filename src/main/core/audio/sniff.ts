import type { AudioFormat } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'

export const audioExtensions = ['.wav', '.wave', '.flac', '.mp3', '.ogg', '.oga', '.opus'] as const

export interface SniffedAudio {
  format: AudioFormat
  /** Bits per sample where the container says so (WAV, FLAC); null for lossy codecs. */
  bitDepth: number | null
  /** Channel count from the stream header where the decoder's output differs (MP3 decodes mono as stereo). */
  channels?: number
}

const supported = 'WAV, FLAC, MP3, Ogg Vorbis or Ogg Opus'

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length))
}

/** What sniffing reads of a file: its first and last bytes and its size, never the whole. */
export interface AudioProbe {
  head: Uint8Array
  tail: Uint8Array
  size: number
}

/** How much of the start and of the end of a file sniffing reads. */
export const PROBE_BYTES = 1 << 20

export function probeOf(bytes: Uint8Array): AudioProbe {
  const tailStart = Math.max(0, bytes.length - PROBE_BYTES)
  return {
    head: bytes.subarray(0, PROBE_BYTES),
    tail: bytes.subarray(tailStart),
    size: bytes.length,
  }
}

/**
 * Identifies the codec from the file's bytes, not its name, and checks the container for the
 * truncation that decoders silently accept (a WAV data chunk longer than the file, a FLAC
 * stream shorter than its header says, an Ogg stream without its last page).
 */
export function sniffAudio(input: Uint8Array | AudioProbe, file: string): SniffedAudio {
  const probe = input instanceof Uint8Array ? probeOf(input) : input
  const bytes = probe.head
  if (probe.size < 12) {
    throw new SautiError(
      'bad_input',
      `${file}: the file is empty or too short to be audio (${probe.size} bytes).`,
      { file },
    )
  }
  const magic4 = ascii(bytes, 0, 4)
  if (magic4 === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE')
    return { format: 'wav', bitDepth: checkWav(bytes, probe.size, file) }
  if (magic4 === 'RF64')
    throw new SautiError(
      'bad_input',
      `${file}: RF64 (WAV over 4 GB) is not supported yet; split the recording.`,
      { file },
    )
  if (magic4 === 'fLaC') return { format: 'flac', bitDepth: flacBitDepth(bytes, file) }
  if (magic4 === 'OggS') return { format: checkOgg(bytes, probe.tail, file), bitDepth: null }
  if (ascii(bytes, 0, 3) === 'ID3' || isMpegFrameSync(bytes, 0))
    return { format: 'mp3', bitDepth: null, ...mp3Channels(bytes) }
  const printable = bytes
    .subarray(0, 16)
    .every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127))
  const looksLike = printable ? ' (it looks like text)' : ''
  throw new SautiError(
    'bad_input',
    `${file}: not a supported audio file${looksLike}; expected ${supported}.`,
    { file },
  )
}

function isMpegFrameSync(bytes: Uint8Array, at: number): boolean {
  // 11 sync bits, MPEG layer III, not the reserved version.
  const b1 = bytes[at + 1] ?? 0
  return bytes[at] === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x06) === 0x02 && (b1 & 0x18) !== 0x08
}

function mp3Channels(bytes: Uint8Array): { channels?: number } {
  let at = 0
  if (ascii(bytes, 0, 3) === 'ID3') {
    // ID3v2: 10-byte header with a syncsafe size, plus a footer when flag 0x10 is set.
    const size =
      (((bytes[6] ?? 0) & 0x7f) << 21) |
      (((bytes[7] ?? 0) & 0x7f) << 14) |
      (((bytes[8] ?? 0) & 0x7f) << 7) |
      ((bytes[9] ?? 0) & 0x7f)
    at = 10 + size + ((bytes[5] ?? 0) & 0x10 ? 10 : 0)
  }
  for (let i = at; i < Math.min(bytes.length - 4, at + 64 * 1024); i++) {
    if (isMpegFrameSync(bytes, i)) return { channels: (bytes[i + 3] ?? 0) >> 6 === 3 ? 1 : 2 }
  }
  return {}
}

function checkWav(bytes: Uint8Array, size: number, file: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = 12
  let bitDepth: number | null = null
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4)
    const chunkSize = view.getUint32(offset + 4, true)
    const body = offset + 8
    if (id === 'fmt ') {
      if (chunkSize < 16 || body + 16 > bytes.length) {
        throw new SautiError('bad_input', `${file}: the WAV "fmt " chunk is damaged.`, { file })
      }
      bitDepth = view.getUint16(body + 14, true)
    } else if (id === 'data') {
      if (bitDepth === null) {
        throw new SautiError(
          'bad_input',
          `${file}: the WAV file has no "fmt " chunk before its audio data.`,
          { file },
        )
      }
      const available = size - body
      // 0xFFFFFFFF is what some streaming recorders write when they never finalised the header.
      if (chunkSize !== 0xffffffff && chunkSize > available) {
        throw new SautiError(
          'bad_input',
          `${file}: the WAV file is truncated: its data chunk declares ${chunkSize} bytes but only ${available} are present.`,
          { file, declared: chunkSize, available },
        )
      }
      if (chunkSize === 0)
        throw new SautiError('bad_input', `${file}: the WAV file contains no audio samples.`, {
          file,
        })
      return bitDepth
    }
    offset = body + chunkSize + (chunkSize % 2)
  }
  if (offset < size) {
    throw new SautiError(
      'bad_input',
      `${file}: the WAV header is larger than ${PROBE_BYTES} bytes; re-save the file without its metadata chunks.`,
      { file },
    )
  }
  throw new SautiError(
    'bad_input',
    `${file}: the WAV file has no "data" chunk (truncated or damaged).`,
    { file },
  )
}

function flacBitDepth(bytes: Uint8Array, file: string): number {
  // STREAMINFO is the first metadata block: 4-byte block header, then the 34-byte body.
  if (bytes.length < 8 + 34 || ((bytes[4] ?? 0) & 0x7f) !== 0) {
    throw new SautiError('bad_input', `${file}: the FLAC file has no STREAMINFO block.`, { file })
  }
  const b = (i: number): number => bytes[8 + i] ?? 0
  return (((b(12) & 0x01) << 4) | (b(13) >> 4)) + 1
}

/** FLAC STREAMINFO's total sample count (0 = unknown), to detect truncated files after decoding. */
export function flacTotalSamples(bytes: Uint8Array): number {
  const b = (i: number): number => bytes[8 + i] ?? 0
  return (b(13) & 0x0f) * 2 ** 32 + ((b(14) << 24) >>> 0) + (b(15) << 16) + (b(16) << 8) + b(17)
}

function checkOgg(bytes: Uint8Array, tail: Uint8Array, file: string): AudioFormat {
  // The first page's packet names the codec.
  const segments = bytes[26] ?? 0
  const packet = 27 + segments
  let format: AudioFormat
  if (ascii(bytes, packet, 8) === 'OpusHead') format = 'opus'
  else if (bytes[packet] === 1 && ascii(bytes, packet + 1, 6) === 'vorbis') format = 'ogg'
  else
    throw new SautiError(
      'bad_input',
      `${file}: an Ogg file, but not Vorbis or Opus audio; expected ${supported}.`,
      { file },
    )
  // The last page must carry the end-of-stream flag, or the file was cut short.
  const lastPage = lastIndexOfOggS(tail)
  if (lastPage < 0 || ((tail[lastPage + 5] ?? 0) & 0x04) === 0) {
    throw new SautiError(
      'bad_input',
      `${file}: the Ogg stream is truncated (its last page is missing).`,
      { file },
    )
  }
  return format
}

function lastIndexOfOggS(bytes: Uint8Array): number {
  for (let i = bytes.length - 27; i >= 0; i--) {
    if (
      bytes[i] === 0x4f &&
      bytes[i + 1] === 0x67 &&
      bytes[i + 2] === 0x67 &&
      bytes[i + 3] === 0x53
    )
      return i
  }
  return -1
}
