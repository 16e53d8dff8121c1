import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Workbench } from '../../src/main/core/workbench'
import type { ImportPreview, Page, Utterance } from '../../src/shared/domain'
import { formatFixtures } from '../support/fixtures'
import {
  contractCalls,
  expectNoOpenWorkbenches,
  importAndWait,
  openTestWorkbench,
} from '../support/workbench'

/** A folder with a manifest.tsv, previewed and then imported (docs/formats.md). */
let wb: Workbench
let dispose: () => Promise<void>
const folder = mkdtempSync(join(tmpdir(), 'sauti-folder-'))
const expected = new Map(
  (
    JSON.parse(readFileSync(join(formatFixtures, 'expected.json'), 'utf8')) as {
      file: string
      durationSec: number
    }[]
  ).map((e) => [e.file, e.durationSec]),
)

const { ok } = contractCalls(() => wb)

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('folder'))
  mkdirSync(join(folder, 'clips'))
  for (const f of ['clip.flac', 's16.wav', 'clip.mp3', 'clip.opus'])
    copyFileSync(join(formatFixtures, f), join(folder, 'clips', f))
  writeFileSync(join(folder, 'clips', 'notes.wav'), 'not audio at all, only text')
  writeFileSync(
    join(folder, 'manifest.tsv'),
    [
      'path\ttranscript\tspeaker\tlanguage',
      'clips/clip.flac\tSauti test clip, one two three\tSPK-A\ten',
      'clips/s16.wav\t\tSPK-B\tsw',
      'clips/clip.mp3\t\tSPK-A\ten',
    ].join('\n') + '\n',
  )
}, 60_000)
afterAll(async () => {
  await dispose()
  rmSync(folder, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

describe('a folder with a manifest', () => {
  it('previews files, minutes, speakers, languages and problems without importing anything', async () => {
    const preview = await ok<ImportPreview>('import.preview', { paths: [folder] })
    expect(preview).toMatchObject({
      files: 4,
      unknownLength: 0,
      transcripts: 1,
      speakers: [
        { code: 'SPK-A', files: 2, known: false },
        { code: 'SPK-B', files: 1, known: false },
      ],
      languages: [
        { language: 'en', files: 2 },
        { language: 'sw', files: 1 },
      ],
      withoutSpeaker: 1,
    })
    const seconds = ['clip.flac', 's16.wav', 'clip.mp3', 'clip.opus'].reduce(
      (n, f) => n + expected.get(f)!,
      0,
    )
    // Header lengths: what the containers declare, encoder padding included (MP3, Opus).
    expect(preview.durationSec).toBeGreaterThan(seconds - 0.1)
    expect(preview.durationSec).toBeLessThan(seconds + 0.1)
    expect(preview.problems).toEqual([
      {
        path: join(folder, 'clips', 'notes.wav'),
        message: expect.stringMatching(/not a supported audio file \(it looks like text\)/),
      },
    ])
    expect(wb.project.db.prepare('SELECT count(*) AS n FROM recording').get()).toEqual({ n: 0 })
    expect(wb.project.db.prepare('SELECT count(*) AS n FROM speaker').get()).toEqual({ n: 0 })
  })

  it('imports the files with the speaker, language and transcript the manifest gives', async () => {
    const summary = await importAndWait(wb, [folder])
    expect(summary).toMatchObject({ imported: 4, revisions: 1, speakers: ['SPK-A', 'SPK-B'] })
    expect(summary.languages.sort()).toEqual(['en', 'sw'])
    expect(summary.rejected.map((r) => r.path)).toEqual([join(folder, 'clips', 'notes.wav')])
    const utterances = (await ok<Page<Utterance>>('utterance.list', { limit: 10 })).items
    const byName = Object.fromEntries(utterances.map((u) => [u.recordingName, u]))
    expect(byName['clip.flac']).toMatchObject({
      speakerCode: 'SPK-A',
      language: 'en',
      text: 'Sauti test clip, one two three',
    })
    expect(byName['s16.wav']).toMatchObject({ speakerCode: 'SPK-B', language: 'sw', text: null })
    expect(byName['clip.opus']).toMatchObject({ speakerCode: null, language: null })
  })
})
