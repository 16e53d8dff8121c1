import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page, Recording, Utterance } from '../../src/shared/domain'
import { MODEL_SAMPLE_RATE } from '../../src/shared/domain/audio'
import { verifyChain } from '../../src/main/core/provenance/revisions'
import { snapshot } from '../support/db'
import { formatFixtures, requireSpeech8, skipWithoutSpeech8, speech8 } from '../support/fixtures'
import { expectNoOpenWorkbenches, importAndWait, openTestWorkbench } from '../support/workbench'
import type { Workbench } from '../../src/main/core/workbench'

let wb: Workbench
let dataDir: string
let dispose: () => Promise<void>

beforeAll(async () => {
  ;({ workbench: wb, dataDir, dispose } = await openTestWorkbench())
})
afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

async function call<T>(method: string, input: unknown): Promise<T> {
  const result = await wb.call(method, input)
  if (!result.ok) throw new Error(result.error.message)
  return result.value as T
}

function soxiSeconds(file: string): number {
  return Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim())
}

function manifestRows(): { file: string; language: string; speaker: string; transcript: string }[] {
  const [, ...lines] = readFileSync(join(speech8, 'manifest.tsv'), 'utf8').trim().split('\n')
  return lines.map((l) => {
    const [file, language, speaker, transcript] = l.split('\t') as [string, string, string, string]
    return { file, language, speaker, transcript }
  })
}

function storedFiles(): string[] {
  const root = join(dataDir, 'projects', 'test')
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    )
  return walk(root)
    .filter((f) => !/project\.sqlite/.test(f))
    .sort()
}

describe.skipIf(skipWithoutSpeech8('importing the 8-language fixture manifest'))(
  'importing the 8-language fixture manifest (needs ../shared/fixtures)',
  () => {
    beforeAll(requireSpeech8)

    it('stores all 8 clips with their transcripts, speakers and languages', async () => {
      const summary = await importAndWait(wb, [join(speech8, 'manifest.tsv')])
      expect(summary).toMatchObject({ imported: 8, duplicates: 0, rejected: [], revisions: 8 })

      const utterances = await call<Page<Utterance>>('utterance.list', { limit: 100 })
      expect(utterances.total).toBe(8)
      for (const row of manifestRows()) {
        const u = utterances.items.find((x) => x.recordingName === row.file)
        expect(u, row.file).toBeDefined()
        expect(u).toMatchObject({
          text: row.transcript,
          textSource: 'import',
          speakerCode: row.speaker,
          language: row.language,
        })
      }
    })

    it('measures every duration within 10 ms of soxi', async () => {
      const recordings = await call<Page<Recording>>('recording.list', { limit: 100 })
      expect(recordings.total).toBe(8)
      for (const r of recordings.items) {
        expect(
          Math.abs(r.durationSec - soxiSeconds(join(speech8, r.originalName))),
          r.originalName,
        ).toBeLessThan(0.01)
        expect(r).toMatchObject({ format: 'wav', sampleRate: 16000, channels: 1, bitDepth: 16 })
      }
    })

    it('keeps a 16 kHz float copy and waveform peaks for each clip', async () => {
      const recordings = await call<Page<Recording>>('recording.list', { limit: 100 })
      for (const r of recordings.items) {
        const pcm =
          statSync(join(dataDir, 'projects/test/cache/pcm16k', `${r.sha256}.f32`)).size / 4
        expect(Math.abs(pcm - r.durationSec * MODEL_SAMPLE_RATE)).toBeLessThanOrEqual(1)
        const peaks = await call<{ data: number[]; peaksPerSecond: number }>('recording.peaks', {
          id: r.id,
          maxPeaks: 100_000,
        })
        expect(peaks.peaksPerSecond).toBe(400)
        expect(peaks.data.length).toBe(Math.ceil(r.durationSec * 400))
        // Real speech: loud somewhere, quiet somewhere.
        expect(Math.max(...peaks.data)).toBeGreaterThan(0.1)
        expect(Math.min(...peaks.data)).toBeLessThan(0.05)
      }
    })

    it('records import transcripts as the first link of a hash chain', () => {
      const db = wb.project.db
      const ids = (db.prepare('SELECT id FROM utterance').all() as { id: number }[]).map(
        (r) => r.id,
      )
      for (const id of ids) expect(verifyChain(db, id)).toEqual({ ok: true })
      const source = db.prepare('SELECT source_ref FROM revision LIMIT 1').get() as {
        source_ref: string
      }
      expect(source.source_ref).toMatch(/manifest\.tsv:\d+$/)
    })

    it('treats a re-import as a no-op', async () => {
      const before = snapshot(wb.project.db)
      const files = storedFiles()
      const summary = await importAndWait(wb, [join(speech8, 'manifest.tsv')])
      expect(summary).toMatchObject({ imported: 0, duplicates: 8, rejected: [] })
      expect(snapshot(wb.project.db)).toEqual(before)
      expect(storedFiles()).toEqual(files)
    })

    it('rejects a truncated WAV and a text file named .wav, naming each, and changes nothing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sauti-bad-'))
      const truncated = join(dir, 'truncated.wav')
      const whole = readFileSync(join(speech8, 'test_de.wav'))
      writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)))
      const text = join(dir, 'notes.wav')
      writeFileSync(text, 'These are my field notes, not audio.\n')
      const before = snapshot(wb.project.db)
      const files = storedFiles()

      const summary = await importAndWait(wb, [truncated, text])

      expect(summary.imported).toBe(0)
      expect(summary.rejected).toHaveLength(2)
      const byPath = Object.fromEntries(summary.rejected.map((r) => [r.path, r.message]))
      expect(byPath[truncated]).toMatch(
        /truncated\.wav: the WAV file is truncated: its data chunk declares \d+ bytes but only \d+ are present/,
      )
      expect(byPath[text]).toMatch(/notes\.wav: not a supported audio file \(it looks like text\)/)
      expect(snapshot(wb.project.db)).toEqual(before)
      expect(storedFiles()).toEqual(files)
    })
  },
)

interface ExpectedFormat {
  file: string
  format: string
  sampleRate: number
  channels: number
  bitDepth: number | null
  durationSec: number
}

describe('importing every supported format', () => {
  const expected = JSON.parse(
    readFileSync(join(formatFixtures, 'expected.json'), 'utf8'),
  ) as ExpectedFormat[]

  it.each(expected.map((e) => [e.file, e] as const))('%s', async (_name, e) => {
    const dir = mkdtempSync(join(tmpdir(), 'sauti-fmt-'))
    // A copy under another name: formats are recognised by content, not extension.
    const copy = join(dir, `renamed-${e.file}.bin`)
    copyFileSync(join(formatFixtures, e.file), copy)
    const summary = await importAndWait(wb, [copy])
    expect(summary.rejected).toEqual([])
    expect(summary.imported).toBe(1)
    const r = await call<Recording>('recording.get', { id: summary.recordingIds[0] })
    expect(r.format).toBe(e.format)
    expect(r.sampleRate).toBe(e.sampleRate)
    expect(r.channels).toBe(e.channels)
    if (e.bitDepth !== null && (e.format === 'wav' || e.format === 'flac'))
      expect(r.bitDepth).toBe(e.bitDepth)
    // Lossy codecs carry encoder delay and padding; PCM formats must be exact to the sample.
    const tolerance = e.format === 'wav' || e.format === 'flac' ? 0.001 : 0.08
    expect(Math.abs(r.durationSec - e.durationSec)).toBeLessThan(tolerance)
    const peaks = await call<{ data: number[] }>('recording.peaks', { id: r.id })
    expect(Math.max(...peaks.data)).toBeGreaterThan(0.05)
  })
})
