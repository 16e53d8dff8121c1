/**
 * Malformed audio for the fuzz suite: real fixture clips, damaged the ways the trials found
 * (truncated, headers that lie, pages dropped or edited) and the ways disks and downloads do
 * (flipped bytes, junk before or after). Each case says whether it lies (docs in random.ts).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  cutOggAfterPage,
  dropOggPage,
  flacWithTotal,
  lieAboutOpusPreSkip,
  oggPages,
  resealOggPage,
  wavWithHeader,
} from '../audio-damage'
import { mp3FrameHeader } from '../../../src/main/core/audio/mp3-check'
import { formatFixtures } from '../fixtures'
import { type FuzzCase, type Random, scramble, splice, text } from './random'

const seeds = {
  wav: ['s16.wav', 'u8.wav', 's24.wav', 'f32.wav'],
  flac: ['clip.flac'],
  mp3: ['clip.mp3'],
  ogg: ['clip.ogg'],
  opus: ['clip.opus'],
} as const
type AudioKind = keyof typeof seeds

const load = (name: string): Uint8Array => new Uint8Array(readFileSync(join(formatFixtures, name)))

/** Where the audio payload starts: damage there is damage to samples, not headers. */
function payloadStart(kind: AudioKind, bytes: Uint8Array): number {
  if (kind === 'ogg' || kind === 'opus') return oggPages(bytes)[2]?.start ?? 0
  if (kind === 'wav') return Buffer.from(bytes).indexOf('data') + 8
  if (kind === 'flac') return Math.min(bytes.length - 1, 8 + 34 + 1024)
  return Math.min(bytes.length - 1, 2048)
}

function mutate(
  r: Random,
  kind: AudioKind,
  seed: string,
  bytes: Uint8Array,
): Omit<FuzzCase, 'kind' | 'entry' | 'files'> & { bytes: Uint8Array } {
  const start = payloadStart(kind, bytes)
  const ways: (() => { name: string; lies: boolean; bytes: Uint8Array })[] = [
    () => {
      const at = r.int(start + 16, bytes.length - 16)
      return {
        name: `truncated at byte ${at} of ${bytes.length}`,
        lies: true,
        bytes: bytes.slice(0, at),
      }
    },
    () => {
      const at = r.int(0, Math.min(start, 200))
      return {
        name: `truncated in the header at byte ${at}`,
        lies: true,
        bytes: bytes.slice(0, at),
      }
    },
    () => {
      const n = r.int(1, 64)
      return {
        name: `${n} random bytes`,
        lies: true,
        bytes: Uint8Array.from({ length: n }, () => r.int(0, 256)),
      }
    },
    () => ({
      name: 'a text file under an audio name',
      lies: true,
      bytes: text('speaker,transcript\nSPK-1,habari yako\n'),
    }),
    () => {
      // Some header fields are informational (an encoder's name, a frame size hint): changed,
      // the audio is the same. The fields that matter are lied about one by one below.
      const at = r.int(0, Math.min(start, 64))
      return {
        name: `header bytes ${at}–${at + 4} scrambled`,
        lies: false,
        bytes: scramble(r, bytes, at, 4),
      }
    },
    () => {
      // PCM has no checksum: a changed sample is still audio. The others check their data.
      const at = r.int(start, bytes.length - 8)
      const lies = kind === 'flac' || kind === 'ogg' || kind === 'opus'
      return {
        name: `payload bytes at ${at} scrambled`,
        lies,
        bytes: scramble(r, bytes, at, r.int(1, 8)),
      }
    },
    () => {
      const junk = Uint8Array.from({ length: r.int(1, 2000) }, () => r.int(0, 256))
      return {
        name: `${junk.length} junk bytes before the file`,
        lies: true,
        bytes: splice(bytes, 0, junk),
      }
    },
    () => {
      const junk = Uint8Array.from({ length: r.int(1, 300) }, () => r.int(0, 256))
      // After WAV's data chunk and FLAC's last frame a reader stops; Ogg and MP3 notice.
      return {
        name: `${junk.length} junk bytes after the file`,
        lies: false,
        bytes: splice(bytes, bytes.length, junk),
      }
    },
    ...formatSpecific(r, kind, bytes),
  ]
  const chosen = r.pick(ways)()
  return { ...chosen, name: `${seed}: ${chosen.name}` }
}

function formatSpecific(
  r: Random,
  kind: AudioKind,
  bytes: Uint8Array,
): (() => { name: string; lies: boolean; bytes: Uint8Array })[] {
  switch (kind) {
    case 'wav':
      return [
        () => {
          const rate = r.pick([0, 1, 3_000_000_000, 2_000_000, 1_000, 400_000])
          return {
            name: `header says ${rate} Hz`,
            lies: true,
            bytes: wavWithHeader(bytes, { sampleRate: rate }),
          }
        },
        () => {
          const channels = r.pick([0, 33, 255, 65535])
          return {
            name: `header says ${channels} channels`,
            lies: true,
            bytes: wavWithHeader(bytes, { channels }),
          }
        },
        () => {
          const bits = r.pick([0, 1, 7, 12, 48, 65535])
          return {
            name: `header says ${bits} bits`,
            lies: true,
            bytes: wavWithHeader(bytes, { bits }),
          }
        },
        () => {
          const blockAlign = r.pick([0, 1, 3, 5, 9, 1000])
          return {
            name: `header says block size ${blockAlign}`,
            lies: true,
            bytes: wavWithHeader(bytes, { blockAlign }),
          }
        },
        () => {
          const out = bytes.slice()
          const data = Buffer.from(out).indexOf('data')
          new DataView(out.buffer).setUint32(data + 4, r.int(bytes.length, 2 ** 31), true)
          return { name: 'data chunk longer than the file', lies: true, bytes: out }
        },
      ]
    case 'flac':
      return [
        () => {
          const total = r.pick([1, 100, 66_149, 66_151, 10_000_000])
          return {
            name: `STREAMINFO says ${total} samples`,
            lies: true,
            bytes: flacWithTotal(bytes, total),
          }
        },
        () => {
          const out = bytes.slice()
          // Sample rate: the first 20 bits of STREAMINFO byte 10.
          out[8 + 10] = r.int(0, 256)
          out[8 + 11] = r.int(0, 256)
          const rate = (out[18]! << 12) | (out[19]! << 4) | (out[20]! >> 4)
          return { name: `STREAMINFO says ${rate} Hz`, lies: rate !== 44_100, bytes: out }
        },
      ]
    case 'ogg':
    case 'opus': {
      const pages = oggPages(bytes)
      return [
        () => {
          const keep = r.int(2, pages.length)
          return {
            name: `cut after page ${keep}, end flag set`,
            lies: true,
            bytes: cutOggAfterPage(bytes, keep, false),
          }
        },
        () => {
          const drop = r.int(1, pages.length)
          return { name: `page ${drop} dropped`, lies: true, bytes: dropOggPage(bytes, drop) }
        },
        () => {
          const p = pages[r.int(1, pages.length)]!
          const out = bytes.slice()
          const at = r.int(p.start + 27, p.end)
          out[at] = out[at]! ^ 0xff
          resealOggPage(out, p)
          // Resealed: only the codec can notice, and the decoded length says nothing of it.
          return { name: 'a page edited and resealed', lies: false, bytes: out }
        },
        ...(kind === 'opus'
          ? [
              () => {
                const skip = r.int(4_801, 65_535)
                return {
                  name: `pre-skip of ${skip} samples`,
                  lies: true,
                  bytes: lieAboutOpusPreSkip(bytes, skip),
                }
              },
            ]
          : []),
      ]
    }
    default:
      return [
        () => {
          // A frame header's bitrate index set to "bad": that frame is no frame any more.
          const out = bytes.slice()
          let at = 10 + ((out[6]! << 21) | (out[7]! << 14) | (out[8]! << 7) | out[9]!)
          while (at < out.length - 4 && !mp3FrameHeader(out, at)) at++
          const frames = r.int(2, 20)
          for (let k = 0; k < frames; k++) at += mp3FrameHeader(out, at)?.length ?? 0
          out[at + 2] = out[at + 2]! | 0xf0
          return { name: 'a frame header broken', lies: true, bytes: out }
        },
      ]
  }
}

/** `count` audio cases of every format, deterministic for `r`'s seed. */
export function audioCases(r: Random, count: number): FuzzCase[] {
  const kinds = Object.keys(seeds) as AudioKind[]
  const cases: FuzzCase[] = []
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length]!
    const seed = r.pick(seeds[kind])
    const made = mutate(r, kind, seed, load(seed))
    const file = `case-${i}.${kind}`
    cases.push({
      kind: `audio: ${kind}`,
      name: made.name,
      lies: made.lies,
      files: [{ path: file, bytes: made.bytes }],
      entry: file,
    })
  }
  return cases
}
