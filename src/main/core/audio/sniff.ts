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

/**
 * What a header may declare (docs/formats.md, "What is checked"). Speech is recorded from 8 kHz
 * (telephone) to 192 kHz (studio); below 4 kHz nothing of it is left and above 384 kHz no audio
 * interface records, so such a header is damaged or made up. 32 channels covers microphone arrays.
 */
export const AUDIO_BOUNDS = {
  minSampleRate: 4_000,
  maxSampleRate: 384_000,
  maxChannels: 32,
  /** Opus encoders skip 6.5–80 ms at the start; a pre-skip beyond this hides audio. */
  maxOpusPreSkipSec: 0.1,
} as const

/** Refuses a sample rate or channel count outside AUDIO_BOUNDS, naming what the header says. */
export function checkDeclared(
  file: string,
  what: string,
  sampleRate: number,
  channels: number,
): void {
  const { minSampleRate, maxSampleRate, maxChannels } = AUDIO_BOUNDS
  if (!(sampleRate >= minSampleRate && sampleRate <= maxSampleRate))
    throw new SautiError(
      'bad_input',
      `${file}: the ${what} header declares ${sampleRate.toLocaleString('en')} Hz; Sauti reads ${minSampleRate.toLocaleString('en')}–${maxSampleRate.toLocaleString('en')} Hz, so the header is damaged.`,
      { file, sampleRate },
    )
  if (!(channels >= 1 && channels <= maxChannels))
    throw new SautiError(
      'bad_input',
      `${file}: the ${what} header declares ${channels} channels; Sauti reads 1–${maxChannels}, so the header is damaged.`,
      { file, channels },
    )
}

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
    return { format: 'wav', bitDepth: wavLayout(bytes, probe.size, file).bitDepth }
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

/** What a WAV header declares about its samples, checked. */
export interface WavLayout {
  bitDepth: number
  blockAlign: number
  /** Bytes of one sample frame; null for ADPCM, whose blocks hold many. */
  frameBytes: number | null
  sampleRate: number
  /** The data chunk's declared size; 0xFFFFFFFF when a recorder never finalised it. */
  dataBytes: number
}

/** Reads and checks a WAV file's chunks up to its data chunk (from the file's first MiB). */
export function wavLayout(bytes: Uint8Array, size: number, file: string): WavLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = 12
  let format: Omit<WavLayout, 'dataBytes'> | null = null
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4)
    const chunkSize = view.getUint32(offset + 4, true)
    const body = offset + 8
    if (id === 'fmt ') {
      if (chunkSize < 16 || body + 16 > bytes.length) {
        throw new SautiError('bad_input', `${file}: the WAV "fmt " chunk is damaged.`, { file })
      }
      format = checkWavFormat(view, body, chunkSize, file)
    } else if (id === 'data') {
      if (format === null) {
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
      return { ...format, dataBytes: chunkSize }
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

/** What the WAV decoder reads, by format tag: the bit depths that exist for each. */
const wavCodecs: Record<number, { name: string; depths: number[]; adpcm?: true }> = {
  0x0001: { name: 'PCM', depths: [8, 16, 24, 32] },
  0x0003: { name: 'float', depths: [32, 64] },
  0x0006: { name: 'A-law', depths: [8] },
  0x0007: { name: 'µ-law', depths: [8] },
  0x0002: { name: 'MS ADPCM', depths: [4], adpcm: true },
  0x0011: { name: 'IMA ADPCM', depths: [4], adpcm: true },
}
const WAVE_FORMAT_EXTENSIBLE = 0xfffe

/** The "fmt " chunk's fields, checked against each other and AUDIO_BOUNDS. */
function checkWavFormat(
  view: DataView,
  body: number,
  chunkSize: number,
  file: string,
): Omit<WavLayout, 'dataBytes'> {
  let tag = view.getUint16(body, true)
  const channels = view.getUint16(body + 2, true)
  const sampleRate = view.getUint32(body + 4, true)
  const blockAlign = view.getUint16(body + 12, true)
  const bits = view.getUint16(body + 14, true)
  // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its sub-format GUID.
  if (tag === WAVE_FORMAT_EXTENSIBLE && chunkSize >= 40 && body + 26 <= view.byteLength)
    tag = view.getUint16(body + 24, true)
  const codec = wavCodecs[tag]
  if (!codec)
    throw new SautiError(
      'bad_input',
      `${file}: the WAV file holds format ${tag}, which Sauti does not read (PCM, float, A-law, µ-law or ADPCM); convert it to PCM WAV or FLAC.`,
      { file, formatTag: tag },
    )
  if (!codec.depths.includes(bits))
    throw new SautiError(
      'bad_input',
      `${file}: the WAV header declares ${bits}-bit ${codec.name} samples, which do not exist; the header is damaged.`,
      { file, bits },
    )
  checkDeclared(file, 'WAV', sampleRate, channels)
  // ADPCM's block size is a block of many samples; the others store one sample frame per block.
  const frameBytes = codec.adpcm ? null : (channels * bits) / 8
  if ((frameBytes !== null && blockAlign !== frameBytes) || blockAlign === 0)
    throw new SautiError(
      'bad_input',
      `${file}: the WAV header's block size (${blockAlign} bytes) does not match ${channels} channel(s) of ${bits} bits; the header is damaged.`,
      { file, blockAlign },
    )
  return { bitDepth: bits, blockAlign, sampleRate, frameBytes }
}

/** The facts of a FLAC file's STREAMINFO block. */
export interface FlacStreamInfo {
  sampleRate: number
  channels: number
  bitDepth: number
  /** 0 when the encoder did not know it. */
  totalSamples: number
  /** The MD5 of the decoded samples; all zeros when the encoder did not compute it. */
  md5: string
}

/** Reads STREAMINFO, the first metadata block: a 4-byte block header, then its 34-byte body. */
export function flacStreamInfo(bytes: Uint8Array, file: string): FlacStreamInfo {
  if (bytes.length < 8 + 34 || ((bytes[4] ?? 0) & 0x7f) !== 0) {
    throw new SautiError('bad_input', `${file}: the FLAC file has no STREAMINFO block.`, { file })
  }
  const b = (i: number): number => bytes[8 + i] ?? 0
  return {
    sampleRate: (b(10) << 12) | (b(11) << 4) | (b(12) >> 4),
    channels: ((b(12) >> 1) & 0x07) + 1,
    bitDepth: (((b(12) & 0x01) << 4) | (b(13) >> 4)) + 1,
    totalSamples: flacTotalSamples(bytes),
    md5: Buffer.from(bytes.subarray(8 + 18, 8 + 34)).toString('hex'),
  }
}

function flacBitDepth(bytes: Uint8Array, file: string): number {
  const info = flacStreamInfo(bytes, file)
  checkDeclared(file, 'FLAC', info.sampleRate, info.channels)
  if (info.bitDepth < 4)
    throw new SautiError(
      'bad_input',
      `${file}: the FLAC header declares ${info.bitDepth}-bit samples; the header is damaged.`,
      { file },
    )
  return info.bitDepth
}

/** FLAC STREAMINFO's total sample count (0 = unknown), to detect truncated files after decoding. */
function flacTotalSamples(bytes: Uint8Array): number {
  const b = (i: number): number => bytes[8 + i] ?? 0
  return (b(13) & 0x0f) * 2 ** 32 + ((b(14) << 24) >>> 0) + (b(15) << 16) + (b(16) << 8) + b(17)
}

function checkOgg(bytes: Uint8Array, tail: Uint8Array, file: string): AudioFormat {
  // The first page's packet names the codec.
  const segments = bytes[26] ?? 0
  const packet = 27 + segments
  let format: AudioFormat
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (ascii(bytes, packet, 8) === 'OpusHead' && packet + 19 <= bytes.length) {
    format = 'opus'
    checkOpusHead(view, packet, file)
  } else if (
    bytes[packet] === 1 &&
    ascii(bytes, packet + 1, 6) === 'vorbis' &&
    packet + 30 <= bytes.length
  ) {
    format = 'ogg'
    checkDeclared(file, 'Vorbis', view.getUint32(packet + 12, true), bytes[packet + 11] ?? 0)
  } else
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

/** OpusHead: version 0.x, a channel count in bounds, and a pre-skip that hides no speech. */
function checkOpusHead(view: DataView, at: number, file: string): void {
  const version = view.getUint8(at + 8)
  if (version >> 4 !== 0)
    throw new SautiError(
      'bad_input',
      `${file}: Opus header version ${version} is not one Sauti reads.`,
      {
        file,
      },
    )
  const channels = view.getUint8(at + 9)
  checkDeclared(file, 'Opus', 48_000, channels)
  const preSkip = view.getUint16(at + 10, true)
  const limit = AUDIO_BOUNDS.maxOpusPreSkipSec * 48_000
  if (preSkip > limit)
    throw new SautiError(
      'bad_input',
      `${file}: the Opus header asks to skip the first ${(preSkip / 48_000).toFixed(3)} s of audio (encoders skip at most ${AUDIO_BOUNDS.maxOpusPreSkipSec * 1000} ms); the header is damaged or was edited.`,
      { file, preSkip },
    )
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
