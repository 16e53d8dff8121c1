/**
 * Imports that used to lose or bend data without a word (issue 17): a long recording's
 * transcript, corrected transcripts for audio already in the project, and files whose headers lie.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIP_MAX_SEC } from '../../src/main/core/audio/importer'
import type { Utterance } from '../../src/shared/domain'
import { snapshot } from '../support/db'
import { formatFixtures, requireSpeech8, skipWithoutSpeech8, speech8 } from '../support/fixtures'
import { expectNoOpenWorkbenches, importAndWait, openTestWorkbench } from '../support/workbench'
import type { Workbench } from '../../src/main/core/workbench'

let wb: Workbench
let dispose: () => Promise<void>
const dir = mkdtempSync(join(tmpdir(), 'sauti-import-hardening-'))

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench())
})
afterAll(async () => {
  await dispose()
  rmSync(dir, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

async function call<T>(method: string, input: unknown): Promise<T> {
  const result = await wb.call(method, input)
  if (!result.ok) throw new Error(result.error.message)
  return result.value as T
}

const rows = (): { file: string; transcript: string }[] =>
  readFileSync(join(speech8, 'manifest.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [file, , , transcript] = line.split('\t') as [string, string, string, string]
      return { file, transcript }
    })

describe.skipIf(skipWithoutSpeech8('a 45-second recording with its transcript'))(
  'a recording longer than a clip, with its transcript (needs ../shared/fixtures)',
  () => {
    beforeAll(requireSpeech8)
    const long = join(dir, 'eight-readers.wav')
    let transcript = ''

    it('is kept as one utterance holding the transcript, with a warning', async () => {
      // Real speech: the eight readers of the fixture, one after another (45.7 s).
      const clips = rows()
      execFileSync('sox', [...clips.map((c) => join(speech8, c.file)), long])
      transcript = clips.map((c) => c.transcript).join(' ')
      writeFileSync(
        join(dir, 'long.tsv'),
        `path\ttranscript\tspeaker\neight-readers.wav\t${transcript}\tspk-8\n`,
      )

      const summary = await importAndWait(wb, [join(dir, 'long.tsv')])

      expect(summary).toMatchObject({ imported: 1, revisions: 1, rejected: [] })
      expect(summary.durationSec).toBeGreaterThan(45)
      expect(summary.durationSec).toBeGreaterThan(CLIP_MAX_SEC)
      expect(summary.warnings).toHaveLength(1)
      expect(summary.warnings[0]?.message).toMatch(
        /45\.\d s long, over the 30 s of a clip: kept as one utterance with its transcript/,
      )
      const list = await call<{ items: Utterance[] }>('utterance.list', {
        recordingId: summary.recordingIds[0],
      })
      expect(list.items).toHaveLength(1)
      expect(list.items[0]).toMatchObject({ text: transcript, textSource: 'import', startSec: 0 })
      expect(list.items[0]!.endSec).toBeCloseTo(summary.durationSec, 3)
    })

    it('takes a corrected transcript for audio already there as a new import revision', async () => {
      const corrected = transcript.replace('Mr quilter', 'Mister Quilter')
      writeFileSync(
        join(dir, 'long-fixed.tsv'),
        `path\ttranscript\neight-readers.wav\t${corrected}\n`,
      )
      const summary = await importAndWait(wb, [join(dir, 'long-fixed.tsv')])
      expect(summary).toMatchObject({ imported: 0, duplicates: 1, revisions: 1, warnings: [] })
      const u = wb.project.db
        .prepare(
          "SELECT u.id FROM utterance u JOIN recording r ON r.id = u.recording_id WHERE r.original_name = 'eight-readers.wav'",
        )
        .get() as { id: number }
      const history = wb.project.db
        .prepare(
          'SELECT text, source_kind, parent_id FROM revision WHERE utterance_id = ? ORDER BY id',
        )
        .all(u.id) as { text: string; source_kind: string; parent_id: number | null }[]
      expect(history.map((h) => [h.text, h.source_kind])).toEqual([
        [transcript, 'import'],
        [corrected, 'import'],
      ])
      // The same manifest again changes nothing.
      const before = snapshot(wb.project.db)
      const again = await importAndWait(wb, [join(dir, 'long-fixed.tsv')])
      expect(again).toMatchObject({ duplicates: 1, revisions: 0, warnings: [] })
      expect(snapshot(wb.project.db)).toEqual(before)
    })

    it("never puts an import over a person's transcript: the conflict is reported", async () => {
      const u = wb.project.db
        .prepare(
          "SELECT u.id FROM utterance u JOIN recording r ON r.id = u.recording_id WHERE r.original_name = 'eight-readers.wav'",
        )
        .get() as { id: number }
      const annotator = await call<{ id: number }>('annotator.create', {
        name: 'Amina',
        role: 'annotator',
      })
      const spk = wb.project.db.prepare("SELECT id FROM speaker WHERE code = 'spk-8'").get() as {
        id: number
      }
      const lead = await call<{ id: number }>('annotator.create', { name: 'Lead', role: 'lead' })
      await call('consent.grant', {
        actorId: lead.id,
        speakerId: spk.id,
        scopes: ['annotation'],
        grantedAt: '2026-01-05',
      })
      const detail = await call<{ head: { id: number } }>('utterance.get', { id: u.id })
      await call('utterance.save', {
        id: u.id,
        actorId: annotator.id,
        baseRevisionId: detail.head.id,
        text: 'what Amina heard',
        spans: [],
        draft: false,
      })
      writeFileSync(
        join(dir, 'long-again.tsv'),
        `path\ttranscript\neight-readers.wav\tyet another text\n`,
      )
      const summary = await importAndWait(wb, [join(dir, 'long-again.tsv')])
      expect(summary).toMatchObject({ duplicates: 1, revisions: 0 })
      expect(summary.warnings[0]?.message).toMatch(
        /has a transcript by Amina \(revision \d+\); the imported text differs and was not applied/,
      )
      const head = wb.project.db
        .prepare(
          'SELECT text, source_kind FROM revision WHERE utterance_id = ? ORDER BY id DESC LIMIT 1',
        )
        .get(u.id)
      expect(head).toEqual({ text: 'what Amina heard', source_kind: 'annotator' })
    })
  },
)

describe('a missing path and a name that is not UTF-8', () => {
  it('says which, with the kind the CLI maps to "not found"', async () => {
    const summary = await importAndWait(wb, [
      join(dir, 'no-such-clip.wav'),
      join(dir, 'caf\uFFFD.wav'),
    ])
    expect(summary.rejected.map((r) => [r.missing ?? false, r.message])).toEqual([
      [true, expect.stringMatching(/no-such-clip\.wav: no such file or folder\./)],
      [false, expect.stringMatching(/the file name is not valid UTF-8/)],
    ])
  })

  it('rejects a folder entry whose name is not UTF-8 by name, and imports the rest', async () => {
    const folder = join(dir, 'names')
    execFileSync('mkdir', ['-p', folder])
    execFileSync('cp', [join(formatFixtures, 's16.wav'), join(folder, 'ok.wav')])
    // A Latin-1 "é" in the name, as old Windows zip files leave them.
    copyFileSync(
      join(formatFixtures, 'u8.wav'),
      Buffer.concat([Buffer.from(`${folder}/caf`), Buffer.from([0xe9]), Buffer.from('.wav')]),
    )
    const summary = await importAndWait(wb, [folder])
    expect(summary.imported).toBe(1)
    expect(summary.rejected).toHaveLength(1)
    expect(summary.rejected[0]?.message).toMatch(/caf\uFFFD\.wav: the file name is not valid UTF-8/)
  })
})
