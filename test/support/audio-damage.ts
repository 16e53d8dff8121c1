/**
 * Ways to damage real audio files the way crashed recorders, cut downloads and edited headers
 * do, for the import checks and the fuzz suite. Each returns new bytes; the input is untouched.
 */
import { oggPageChecksum } from '../../src/main/core/audio/ogg-check'

export interface OggPage {
  start: number
  end: number
}

export function oggPages(bytes: Uint8Array): OggPage[] {
  const pages: OggPage[] = []
  let at = 0
  while (at + 27 <= bytes.length) {
    const segments = bytes[at + 26]!
    let body = 0
    for (let i = 0; i < segments; i++) body += bytes[at + 27 + i]!
    const end = at + 27 + segments + body
    if (end > bytes.length) break
    pages.push({ start: at, end })
    at = end
  }
  return pages
}

/** Rewrites a page's checksum after an edit, as a careful forger would. */
export function resealOggPage(bytes: Uint8Array, page: OggPage): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset + page.start)
  view.setUint32(22, oggPageChecksum(bytes.subarray(page.start, page.end)), true)
}

/** Keeps the first `keep` pages and marks the last as the end of the stream. */
export function cutOggAfterPage(bytes: Uint8Array, keep: number, reseal: boolean): Uint8Array {
  const pages = oggPages(bytes)
  const last = pages[keep - 1]!
  const out = bytes.slice(0, last.end)
  out[last.start + 5] = out[last.start + 5]! | 0x04
  if (reseal) resealOggPage(out, last)
  return out
}

/** Drops one page from the middle (a lost block of a copy). */
export function dropOggPage(bytes: Uint8Array, index: number): Uint8Array {
  const page = oggPages(bytes)[index]!
  return Buffer.concat([bytes.subarray(0, page.start), bytes.subarray(page.end)])
}

/** Sets the OpusHead pre-skip (48 kHz samples) and reseals the page. */
export function lieAboutOpusPreSkip(bytes: Uint8Array, preSkip: number): Uint8Array {
  const out = bytes.slice()
  const first = oggPages(out)[0]!
  const packet = first.start + 27 + out[first.start + 26]!
  new DataView(out.buffer).setUint16(packet + 10, preSkip, true)
  resealOggPage(out, first)
  return out
}

/** The byte offset of a WAV file's "fmt " chunk body. */
function wavFmt(bytes: Uint8Array): number {
  const ascii = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4))
  let at = 12
  while (ascii(at) !== 'fmt ')
    at += 8 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(at + 4, true)
  return at + 8
}

export function wavWithHeader(
  bytes: Uint8Array,
  fields: { sampleRate?: number; channels?: number; bits?: number; blockAlign?: number },
): Uint8Array {
  const out = bytes.slice()
  const view = new DataView(out.buffer)
  const fmt = wavFmt(out)
  if (fields.channels !== undefined) view.setUint16(fmt + 2, fields.channels, true)
  if (fields.sampleRate !== undefined) view.setUint32(fmt + 4, fields.sampleRate, true)
  if (fields.blockAlign !== undefined) view.setUint16(fmt + 12, fields.blockAlign, true)
  if (fields.bits !== undefined) view.setUint16(fmt + 14, fields.bits, true)
  return out
}

/** Sets FLAC STREAMINFO's total sample count (36 bits). */
export function flacWithTotal(bytes: Uint8Array, total: number): Uint8Array {
  const out = bytes.slice()
  const at = 8 + 13
  out[at] = (out[at]! & 0xf0) | Math.floor(total / 2 ** 32)
  new DataView(out.buffer).setUint32(at + 1, total >>> 0)
  return out
}

/** Flips the bits of `count` bytes starting at `at`. */
export function flipBytes(bytes: Uint8Array, at: number, count: number): Uint8Array {
  const out = bytes.slice()
  for (let i = at; i < Math.min(out.length, at + count); i++) out[i] = out[i]! ^ 0xff
  return out
}
