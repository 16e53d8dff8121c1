/**
 * Decoders accept damaged files and return what they could; the import checks what came out
 * against what the file declares, and refuses naming the file and the problem (issue 17).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mp3FrameHeader } from '../../src/main/core/audio/mp3-check'
import { prepareAudio } from '../../src/main/core/audio/prepare'
import {
  cutOggAfterPage,
  dropOggPage,
  flacWithTotal,
  flipBytes,
  lieAboutOpusPreSkip,
  oggPages,
  wavWithHeader,
} from '../support/audio-damage'
import { formatFixtures } from '../support/fixtures'

const dir = mkdtempSync(join(tmpdir(), 'sauti-audio-checks-'))
const store = join(dir, 'store')
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const targets = {
  original: (sha: string, format: string) => join(store, `${sha}.${format}`),
  pcm: (sha: string) => join(store, `${sha}.f32`),
  peaks: (sha: string) => join(store, `${sha}.peaks`),
  staging: join(dir, 'staging'),
}
const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(join(formatFixtures, name)))
const stored = (): string[] =>
  [store, targets.staging].flatMap((d) => readdirSync(d).map((f) => join(d, f))).sort()

async function prepare(
  name: string,
  bytes: Uint8Array,
): Promise<Awaited<ReturnType<typeof prepareAudio>>> {
  const file = join(dir, name)
  writeFileSync(file, bytes)
  return prepareAudio(file, targets)
}

async function refused(name: string, bytes: Uint8Array, message: RegExp): Promise<void> {
  const before = stored()
  await expect(prepare(name, bytes)).rejects.toThrow(message)
  // Nothing of a refused file stays behind, not even a temporary file.
  expect(stored()).toEqual(before)
}

describe('Ogg Vorbis and Opus', () => {
  it('decode whole: every sample the granule positions declare', async () => {
    expect((await prepare('ok.ogg', fixture('clip.ogg'))).durationSec).toBeCloseTo(1.5, 3)
    expect((await prepare('ok.opus', fixture('clip.opus'))).durationSec).toBeCloseTo(1.5, 3)
  })

  it('refuse a file cut at a page whose end-of-stream flag was set by hand', async () => {
    const ogg = fixture('clip.ogg')
    expect(oggPages(ogg).length).toBe(5)
    // 49024 of 66150 samples (74 %), as the trials found it accepted.
    await refused(
      'cut.ogg',
      cutOggAfterPage(ogg, 4, false),
      /cut\.ogg: the Ogg stream is damaged: the page at byte \d+ fails its checksum/,
    )
    await refused('cut.opus', cutOggAfterPage(fixture('clip.opus'), 3, false), /fails its checksum/)
  })

  it('refuse a file with a page missing from the middle', async () => {
    await refused(
      'gap.ogg',
      dropOggPage(fixture('clip.ogg'), 2),
      /gap\.ogg: the Ogg stream is damaged: page 2 is missing/,
    )
  })

  it('refuse a file that stops inside a page', async () => {
    const opus = fixture('clip.opus')
    await refused(
      'short.opus',
      opus.subarray(0, Math.floor(opus.length * 0.7)),
      /short\.opus: the Ogg stream is truncated/,
    )
  })

  it('refuse an Opus header that hides most of the audio behind its pre-skip', async () => {
    // 64800 samples at 48 kHz: 1.35 s of the 1.5 s would be skipped.
    await refused(
      'skip.opus',
      lieAboutOpusPreSkip(fixture('clip.opus'), 64_800),
      /skip\.opus: the Opus header asks to skip the first 1\.350 s of audio/,
    )
  })
})

describe('WAV headers', () => {
  const wav = fixture('s16.wav')
  it('refuse sample rates and channel counts no recorder writes', async () => {
    await refused(
      'ghz.wav',
      wavWithHeader(wav, { sampleRate: 3_000_000_000 }),
      /ghz\.wav: the WAV header declares 3,000,000,000 Hz; Sauti reads 4,000–384,000 Hz/,
    )
    await refused(
      'zero.wav',
      wavWithHeader(wav, { channels: 0, blockAlign: 0 }),
      /declares 0 channels/,
    )
    await refused(
      'many.wav',
      wavWithHeader(wav, { channels: 300, blockAlign: 600 }),
      /declares 300 channels; Sauti reads 1–32/,
    )
  })

  it('refuse a block size or bit depth that does not add up', async () => {
    await refused(
      'align.wav',
      wavWithHeader(wav, { blockAlign: 7 }),
      /align\.wav: the WAV header's block size \(7 bytes\) does not match 1 channel\(s\) of 16 bits/,
    )
    await refused('bits.wav', wavWithHeader(wav, { bits: 13 }), /declares 13-bit PCM samples/)
  })
})

describe('FLAC', () => {
  const flac = fixture('clip.flac')
  it('refuses damaged frames: the audio no longer matches the MD5 signature', async () => {
    await refused(
      'flip.flac',
      flipBytes(flac, Math.floor(flac.length / 2), 3),
      /flip\.flac: (the decoded audio does not match the FLAC file's MD5 signature|the FLAC file is truncated)/,
    )
  })

  it('refuses a header that declares more or fewer samples than the file holds', async () => {
    await refused(
      'more.flac',
      flacWithTotal(flac, 90_000),
      /more\.flac: the FLAC file is truncated: 66150 of 90000 samples decoded/,
    )
    await refused(
      'fewer.flac',
      flacWithTotal(flac, 40_000),
      /fewer\.flac: the FLAC file holds 66150 samples but its header declares 40000/,
    )
  })
})

describe('MP3', () => {
  it('refuses a file whose last frame is cut short', async () => {
    const mp3 = fixture('clip.mp3')
    await refused(
      'cut.mp3',
      mp3.subarray(0, mp3.length - 100),
      /cut\.mp3: the MP3 file is truncated: its last frame lacks \d+ bytes/,
    )
  })

  it('refuses a file cut at a frame boundary when its Xing header counts more frames', async () => {
    const mp3 = join(dir, 'long.mp3')
    execFileSync('sox', [
      join(formatFixtures, 's16.wav'),
      join(formatFixtures, 's16.wav'),
      join(formatFixtures, 's16.wav'),
      join(dir, 'three.wav'),
    ])
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-y',
      '-i',
      join(dir, 'three.wav'),
      '-c:a',
      'libmp3lame',
      '-q:a',
      '4',
      mp3,
    ])
    const bytes = new Uint8Array(readFileSync(mp3))
    // Half the frames, cut where a frame starts (walked from the first, past the ID3 tag).
    let at = 10 + ((bytes[6]! << 21) | (bytes[7]! << 14) | (bytes[8]! << 7) | bytes[9]!)
    while (at < bytes.length / 2) at += mp3FrameHeader(bytes, at)!.length
    await refused(
      'half.mp3',
      bytes.subarray(0, at),
      /half\.mp3: the MP3 header declares \d+ frames but the file holds \d+/,
    )
  })
})
