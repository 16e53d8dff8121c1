import { SautiError } from '../../../shared/errors'

/** The Ogg page checksum: CRC-32 with polynomial 0x04C11DB7, unreflected, starting at 0. */
const crcTable = (() => {
  const table = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let r = i << 24
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1
    table[i] = r >>> 0
  }
  return table
})()

/** The checksum of a page, computed as if its checksum field (bytes 22–25) were zero. */
export function oggPageChecksum(page: Uint8Array): number {
  let crc = 0
  for (let i = 0; i < page.length; i++) {
    const byte = i >= 22 && i < 26 ? 0 : page[i]!
    crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xff]!) >>> 0
  }
  return crc
}

interface LogicalStream {
  nextSequence: number
  lastGranule: bigint
  /** Opus: samples the decoder drops at the start; Vorbis: 0. */
  preSkip: number
  ended: boolean
}

/** Pages bigger than this do not exist: 27 + 255 lacing bytes + 255 × 255 body bytes. */
const MAX_PAGE = 27 + 255 + 255 * 255

/**
 * Walks the pages of an Ogg file as it streams past, and checks what decoders skip over silently:
 * each page's checksum, the page sequence of each stream (a missing page), granule positions that
 * go back, streams that start without their first page or stop without their last. At the end,
 * the granule positions say how many samples the file holds, so a decoder that lost some is
 * caught (`finish`). Chained files (one stream after another) are summed link by link.
 */
export class OggPageCheck {
  private pending = new Uint8Array(0)
  /** The file offset of `pending[0]`. */
  private offset = 0
  private readonly streams = new Map<number, LogicalStream>()
  private open: number | null = null
  private declared = 0

  constructor(
    private readonly file: string,
    private readonly codec: 'opus' | 'ogg',
  ) {}

  private damaged(problem: string, at: number): SautiError {
    return new SautiError('bad_input', `${this.file}: the Ogg stream is damaged: ${problem}.`, {
      file: this.file,
      byte: at,
    })
  }

  push(chunk: Uint8Array): void {
    const bytes = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    let at = 0
    for (;;) {
      const page = this.pageLength(bytes, at)
      if (page === 0) break
      this.checkPage(bytes.subarray(at, at + page), this.offset + at)
      at += page
    }
    if (bytes.length - at > MAX_PAGE)
      throw this.damaged(`no Ogg page starts at byte ${this.offset + at}`, this.offset + at)
    this.pending = bytes.slice(at)
    this.offset += at
  }

  /** The length of the complete page at `at`, or 0 when it is not all there yet. */
  private pageLength(bytes: Uint8Array, at: number): number {
    if (bytes.length - at < 27) return 0
    if (
      bytes[at] !== 0x4f ||
      bytes[at + 1] !== 0x67 ||
      bytes[at + 2] !== 0x67 ||
      bytes[at + 3] !== 0x53
    )
      throw this.damaged(`no Ogg page starts at byte ${this.offset + at}`, this.offset + at)
    const segments = bytes[at + 26]!
    if (bytes.length - at < 27 + segments) return 0
    let body = 0
    for (let i = 0; i < segments; i++) body += bytes[at + 27 + i]!
    const length = 27 + segments + body
    return bytes.length - at < length ? 0 : length
  }

  private checkPage(page: Uint8Array, at: number): void {
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength)
    const flags = page[5]!
    if (page[4] !== 0 || flags > 7)
      throw this.damaged(`the page at byte ${at} has a bad header`, at)
    const stored = view.getUint32(22, true)
    if (oggPageChecksum(page) !== stored)
      throw this.damaged(`the page at byte ${at} fails its checksum (its bytes were changed)`, at)
    const serial = view.getUint32(14, true)
    const sequence = view.getUint32(18, true)
    const granule = view.getBigInt64(6, true)
    let stream = this.streams.get(serial)
    if (!stream) {
      if (!(flags & 0x02))
        throw this.damaged(`a stream starts at byte ${at} without its first page`, at)
      if (this.open !== null)
        throw this.damaged(`a second stream starts at byte ${at} inside the first`, at)
      stream = { nextSequence: 0, lastGranule: 0n, preSkip: 0, ended: false }
      this.streams.set(serial, stream)
      this.open = serial
      if (this.codec === 'opus') stream.preSkip = opusPreSkip(page)
    } else if (stream.ended || flags & 0x02)
      throw this.damaged(`a page at byte ${at} belongs to a stream that had ended`, at)
    if (sequence !== stream.nextSequence)
      throw this.damaged(
        `page ${stream.nextSequence} is missing (the page at byte ${at} is page ${sequence})`,
        at,
      )
    stream.nextSequence = sequence + 1
    if (granule !== -1n) {
      if (granule < stream.lastGranule)
        throw this.damaged(`the page at byte ${at} goes back in time`, at)
      stream.lastGranule = granule
    }
    if (flags & 0x04) {
      stream.ended = true
      this.open = null
      this.declared += Math.max(0, Number(stream.lastGranule) - stream.preSkip)
    }
  }

  /**
   * After the whole file: the stream must have ended on a complete page, and the decoder must
   * have produced what the granule positions declare (within 10 ms). Bytes after the last page
   * are only a warning: tools append tags there, and the audio is whole.
   */
  finish(decodedFrames: number, sampleRate: number): string[] {
    const warnings: string[] = []
    if (this.open !== null || this.streams.size === 0)
      throw new SautiError(
        'bad_input',
        `${this.file}: the Ogg stream is truncated (it stops at byte ${this.offset} without its last page).`,
        { file: this.file },
      )
    if (this.pending.length > 0)
      warnings.push(
        `${this.file}: ${this.pending.length} bytes after the last Ogg page were ignored.`,
      )
    const tolerance = Math.ceil(sampleRate / 100)
    if (decodedFrames + tolerance < this.declared)
      throw new SautiError(
        'bad_input',
        `${this.file}: only ${(decodedFrames / sampleRate).toFixed(2)} s of the ${(this.declared / sampleRate).toFixed(2)} s the Ogg pages declare could be decoded; the file is damaged.`,
        { file: this.file, declared: this.declared, decoded: decodedFrames },
      )
    if (decodedFrames > this.declared + tolerance)
      warnings.push(
        `${this.file}: the Ogg pages declare ${(this.declared / sampleRate).toFixed(2)} s but ${(decodedFrames / sampleRate).toFixed(2)} s were decoded; all of it was kept.`,
      )
    return warnings
  }
}

/** OpusHead's pre-skip, from a stream's first page (sniff.ts has checked its bounds). */
function opusPreSkip(page: Uint8Array): number {
  const packet = 27 + page[26]!
  if (page.length < packet + 12) return 0
  return page[packet + 10]! | (page[packet + 11]! << 8)
}
