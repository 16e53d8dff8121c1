import { SautiError } from '../../../shared/errors'

const kbpsV1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
const kbpsV2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
const rates: Record<number, number[]> = {
  3: [44_100, 48_000, 32_000],
  2: [22_050, 24_000, 16_000],
  0: [11_025, 12_000, 8_000],
}

interface FrameHeader {
  length: number
  samples: number
  sampleRate: number
  mono: boolean
  mpeg1: boolean
}

/** An MPEG layer III frame header at `at`, or null (free-format bitrates are not walked). */
export function mp3FrameHeader(bytes: Uint8Array, at: number): FrameHeader | null {
  const b1 = bytes[at + 1] ?? 0
  const b2 = bytes[at + 2] ?? 0
  if (bytes[at] !== 0xff || (b1 & 0xe0) !== 0xe0 || (b1 & 0x06) !== 0x02) return null
  const version = (b1 >> 3) & 0x03
  const sampleRate = rates[version]?.[(b2 >> 2) & 0x03]
  const kbps = (version === 3 ? kbpsV1 : kbpsV2)[b2 >> 4]
  if (!sampleRate || !kbps) return null
  const mpeg1 = version === 3
  const padding = (b2 >> 1) & 0x01
  return {
    length: Math.floor(((mpeg1 ? 144_000 : 72_000) * kbps) / sampleRate) + padding,
    samples: mpeg1 ? 1152 : 576,
    sampleRate,
    mono: (bytes[at + 3] ?? 0) >> 6 === 3,
    mpeg1,
  }
}

const ascii = (bytes: Uint8Array, at: number, n: number): string =>
  String.fromCharCode(...bytes.subarray(at, at + n))

/** Tags that tools append after the last frame: ID3v1, APE, Lyrics3. */
const trailingTag = (bytes: Uint8Array, at: number): boolean =>
  ['TAG', 'APE', 'LYR'].includes(ascii(bytes, at, 3))

/**
 * Walks the frames of an MP3 file as it streams past: a last frame cut short is a truncated
 * file, and a Xing/Info header's frame count says how many frames there should be. Bytes between
 * frames that are not a frame (damage the decoder resynchronises over) are a warning.
 */
export class Mp3FrameCheck {
  /** Bytes of the current frame (or the ID3v2 tag) still to pass. */
  private skip = 0
  private carry = new Uint8Array(0)
  private frames = 0
  private samples = 0
  private junk = 0
  private tail = false
  private readonly declaredFrames: number | null

  constructor(
    private readonly file: string,
    head: Uint8Array,
  ) {
    let first = 0
    if (ascii(head, 0, 3) === 'ID3') {
      const size =
        ((head[6]! & 0x7f) << 21) |
        ((head[7]! & 0x7f) << 14) |
        ((head[8]! & 0x7f) << 7) |
        (head[9]! & 0x7f)
      first = 10 + size + (head[5]! & 0x10 ? 10 : 0)
      this.skip = first
    }
    this.declaredFrames = xingFrames(head, first)
  }

  push(chunk: Uint8Array): void {
    let bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk
    this.carry = new Uint8Array(0)
    let at = Math.min(this.skip, bytes.length)
    this.skip -= at
    while (at < bytes.length && !this.tail) {
      if (bytes.length - at < 4) {
        this.carry = bytes.slice(at)
        bytes = bytes.subarray(0, at)
        break
      }
      const header = mp3FrameHeader(bytes, at)
      if (header) {
        this.frames++
        this.samples += header.samples
        const inChunk = Math.min(header.length, bytes.length - at)
        this.skip = header.length - inChunk
        at += inChunk
      } else if (trailingTag(bytes, at)) this.tail = true
      else {
        this.junk++
        at++
      }
    }
  }

  finish(decodedFrames: number, sampleRate: number): string[] {
    const warnings: string[] = []
    if (this.skip > 0)
      throw new SautiError(
        'bad_input',
        `${this.file}: the MP3 file is truncated: its last frame lacks ${this.skip} bytes.`,
        { file: this.file },
      )
    // The Xing/Info frame is a frame of silence that decoders skip; it counts itself or not
    // depending on the encoder, so one frame either way is fine.
    if (this.declaredFrames !== null && this.frames + 1 < this.declaredFrames)
      throw new SautiError(
        'bad_input',
        `${this.file}: the MP3 header declares ${this.declaredFrames} frames but the file holds ${this.frames}; it is truncated or damaged.`,
        { file: this.file, declared: this.declaredFrames, found: this.frames },
      )
    if (this.junk > 0)
      warnings.push(
        `${this.file}: ${this.junk} bytes between MP3 frames are not audio (the file is damaged there); the decoder skipped them.`,
      )
    // Encoder delay and padding (gapless playback) remove up to about two frames.
    const expected = this.samples - 2 * 1152 - 2 * 1152
    if (decodedFrames < expected)
      throw new SautiError(
        'bad_input',
        `${this.file}: only ${(decodedFrames / sampleRate).toFixed(2)} s of the ${(this.samples / sampleRate).toFixed(2)} s of MP3 frames could be decoded; the file is damaged.`,
        { file: this.file },
      )
    return warnings
  }
}

/** The frame count of a Xing/Info (LAME) header in the first frame, or null. */
function xingFrames(head: Uint8Array, first: number): number | null {
  let at = first
  // The first frame may follow a few bytes of padding after the ID3 tag.
  while (at < Math.min(head.length - 4, first + 4096) && !mp3FrameHeader(head, at)) at++
  const header = mp3FrameHeader(head, at)
  if (!header) return null
  const side = header.mpeg1 ? (header.mono ? 17 : 32) : header.mono ? 9 : 17
  const tag = at + 4 + side
  const id = ascii(head, tag, 4)
  if (id !== 'Xing' && id !== 'Info') return null
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  if (tag + 12 > head.length || !(view.getUint32(tag + 4) & 0x01)) return null
  return view.getUint32(tag + 8)
}
