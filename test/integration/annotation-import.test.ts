import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventMap } from '../../src/shared/contract'
import type { AnnotationImportSummary } from '../../src/shared/domain'
import type { Workbench } from '../../src/main/core/workbench'
import { snapshot } from '../support/db'
import { demoDir } from '../support/fixtures'
import { expectNoOpenWorkbenches, openTestWorkbench } from '../support/workbench'
import { oneUtteranceEaf } from '../support/eaf'

/**
 * Malformed annotation is refused with its position and changes nothing: no row in any table and
 * no audio file in the project, even when the audio a file names was already decoded.
 */
let wb: Workbench
let dispose: () => Promise<void>
let work: string

async function importAnnotation(paths: string[]): Promise<AnnotationImportSummary> {
  const seen = new Map<string, EventMap['job.finished']>()
  const off = wb.events.on('job.finished', (f) => seen.set(f.jobId, f))
  try {
    const r = await wb.call('annotation.import', { paths })
    if (!r.ok) throw new Error(r.error.message)
    const { jobId } = r.value as { jobId: string }
    await wb.jobs.wait(jobId)
    return seen.get(jobId)!.annotations!
  } finally {
    off()
  }
}

/** Every table's rows and every stored audio or cache file. */
function state(): unknown {
  const p = wb.project.paths
  const list = (d: string): string[] => (existsSync(d) ? readdirSync(d).sort() : [])
  const files = [p.audioDir, p.pcmDir, p.peaksDir].map(list)
  return { tables: snapshot(wb.project.db), files }
}

const eaf = (ref2: string): string => oneUtteranceEaf('SPK-A', 'Habari za asubuhi', ref2)

/** The EAF above with a gloss tier (Included_In) and a translation (Symbolic_Association). */
const tiered = (gloss: [number, number, string][], translations = ['Good morning']): string => {
  const slots = gloss.flatMap(([s, e], i) => [
    `<TIME_SLOT TIME_SLOT_ID="g${2 * i + 1}" TIME_VALUE="${s}"/>`,
    `<TIME_SLOT TIME_SLOT_ID="g${2 * i + 2}" TIME_VALUE="${e}"/>`,
  ])
  const glosses = gloss.map(
    ([, , text], i) =>
      `<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="g${i}" TIME_SLOT_REF1="g${2 * i + 1}" TIME_SLOT_REF2="g${2 * i + 2}"><ANNOTATION_VALUE>${text}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>`,
  )
  const refs = translations.map(
    (text, i) =>
      `<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="t${i}" ANNOTATION_REF="a1"><ANNOTATION_VALUE>${text}</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>`,
  )
  return eaf('ts2')
    .replace('</TIME_ORDER>', `${slots.join('\n')}\n  </TIME_ORDER>`)
    .replace(
      '<LINGUISTIC_TYPE',
      `<TIER LINGUISTIC_TYPE_REF="gloss" PARENT_REF="SPK-A" TIER_ID="SPK-A - Gloss">${glosses.join('')}</TIER>
  <TIER LINGUISTIC_TYPE_REF="tr" PARENT_REF="SPK-A" TIER_ID="SPK-A - Translation">${refs.join('')}</TIER>
  <LINGUISTIC_TYPE CONSTRAINTS="Included_In" LINGUISTIC_TYPE_ID="gloss" TIME_ALIGNABLE="true"/>
  <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" LINGUISTIC_TYPE_ID="tr" TIME_ALIGNABLE="false"/>
  <LINGUISTIC_TYPE`,
    )
}

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('annotation-import'))
  work = mkdtempSync(join(tmpdir(), 'sauti-annotation-'))
  for (const f of ['sw-001.flac', 'sw-002.flac'])
    copyFileSync(join(demoDir, 'audio', f), join(work, f))
  writeFileSync(join(work, 'not-audio.wav'), 'RIFF, but not really a WAV file at all')
})

afterAll(async () => {
  await dispose()
  rmSync(work, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

describe('malformed annotation', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      'an EAF annotation naming a time slot that does not exist',
      'broken.eaf',
      eaf('ts9'),
      /broken\.eaf, line 12, column \d+: .*ts9/,
    ],
    [
      'an EAF with a broken tag',
      'tag.eaf',
      eaf('ts2').replace('</TIER>', '</TIR>'),
      /tag\.eaf, line \d+, column \d+/,
    ],
    [
      'a TextGrid without its xmax',
      'sw-001.TextGrid',
      'File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0 \ntiers? <exists> \nsize = 0 \nitem []: \n',
      /sw-001\.TextGrid, line 5, column \d+: expected xmax here/,
    ],
    [
      'an EAF gloss outside its utterance',
      'outside.eaf',
      tiered([[500, 1200, 'late']]),
      /outside\.eaf, line \d+, column \d+: tier "SPK-A - Gloss": "late" at 0\.500–1\.200 s is not inside an utterance of tier "SPK-A"\./,
    ],
    [
      'an EAF gloss overlapping the one before',
      'overlap.eaf',
      tiered([
        [100, 500, 'habari'],
        [400, 900, 'za'],
      ]),
      /overlap\.eaf, line \d+, column \d+: tier "SPK-A - Gloss": "za" at 0\.400–0\.900 s overlaps "habari" at 0\.100–0\.500 s/,
    ],
    [
      'two translations of one utterance on a tier of one text per utterance',
      'twice.eaf',
      tiered([], ['Good morning', 'Morning']),
      /twice\.eaf, line \d+, column \d+: tier "SPK-A - Translation": annotation "t1" is a second association of annotation "a1"; a Symbolic_Association tier holds one per annotation of its parent\./,
    ],
    [
      'a CSV row that ends before it starts',
      'rows.csv',
      'path,start,end,speaker,text\nsw-001.flac,0,0.5,SPK-A,habari\nsw-002.flac,1.5,0.5,SPK-B,za asubuhi\n',
      /rows\.csv, line 3, column \d+/,
    ],
    [
      'a CSV whose second audio file is not audio (the first was already decoded)',
      'audio.csv',
      'path,start,end,speaker,text\nsw-001.flac,0,0.5,SPK-A,habari\nnot-audio.wav,0,0.5,SPK-B,za\n',
      /audio\.csv: .*not-audio\.wav/,
    ],
  ]
  for (const [what, name, content, message] of cases)
    it(`refuses ${what} with its position and changes nothing`, async () => {
      writeFileSync(join(work, name), content)
      const before = state()
      const summary = await importAnnotation([join(work, name)])
      expect(summary.imported).toEqual([])
      expect(summary.rejected).toHaveLength(1)
      expect(summary.rejected[0]!.message).toMatch(message)
      expect(state()).toEqual(before)
    })
})

describe('well-formed annotation', () => {
  it('imports recordings, speakers, utterances and import revisions; a second time changes nothing', async () => {
    writeFileSync(join(work, 'good.eaf'), eaf('ts2'))
    const summary = await importAnnotation([join(work, 'good.eaf')])
    expect(summary.rejected).toEqual([])
    expect(summary.imported).toEqual([
      expect.objectContaining({
        format: 'eaf',
        recordings: 1,
        utterances: 1,
        speakers: 1,
        revisions: 1,
      }),
    ])
    const row = wb.project.db
      .prepare(
        `SELECT u.start_sec, u.end_sec, s.code, v.text, v.source_kind, v.source_ref FROM utterance u
         JOIN speaker s ON s.id = u.speaker_id JOIN revision v ON v.utterance_id = u.id`,
      )
      .get()
    expect(row).toEqual({
      start_sec: 0.1,
      end_sec: 0.9,
      code: 'SPK-A',
      text: 'Habari za asubuhi',
      source_kind: 'import',
      source_ref: `${join(work, 'good.eaf')}#good_a1`,
    })
    const before = state()
    const again = await importAnnotation([join(work, 'good.eaf')])
    expect(again.imported).toEqual([
      expect.objectContaining({ recordings: 0, utterances: 0, revisions: 0 }),
    ])
    expect(state()).toEqual(before)
  })

  it("brings a file's project tiers into the project's tiers, adding missing ones; a second time changes nothing", async () => {
    writeFileSync(
      join(work, 'sw-002.eaf'),
      tiered([
        [100, 400, 'habari'],
        [450, 900, 'za asubuhi'],
      ]).replace(/sw-001/g, 'sw-002'),
    )
    const summary = await importAnnotation([join(work, 'sw-002.eaf')])
    expect(summary.rejected).toEqual([])
    expect(summary.imported).toEqual([expect.objectContaining({ utterances: 1, tierTexts: 2 })])
    expect(summary.notes).toEqual(
      expect.arrayContaining([
        `${join(work, 'sw-002.eaf')}: tier "Gloss" (time-aligned) was added to the project.`,
        `${join(work, 'sw-002.eaf')}: tier "Translation" (one text per utterance) was added to the project.`,
      ]),
    )
    const texts = wb.project.db
      .prepare(
        `SELECT t.name, t.kind, x.intervals, x.annotator_id, x.source_ref FROM tier_text x
         JOIN tier t ON t.id = x.tier_id ORDER BY t.position`,
      )
      .all()
    expect(texts).toEqual([
      {
        name: 'Gloss',
        kind: 'time',
        intervals: JSON.stringify([
          { start: 0.1, end: 0.4, text: 'habari' },
          { start: 0.45, end: 0.9, text: 'za asubuhi' },
        ]),
        annotator_id: null,
        source_ref: `${join(work, 'sw-002.eaf')}#sw-002_a1`,
      },
      {
        name: 'Translation',
        kind: 'utterance',
        intervals: JSON.stringify([{ start: 0.1, end: 0.9, text: 'Good morning' }]),
        annotator_id: null,
        source_ref: `${join(work, 'sw-002.eaf')}#sw-002_a1`,
      },
    ])
    const before = state()
    const again = await importAnnotation([join(work, 'sw-002.eaf')])
    expect(again.imported).toEqual([expect.objectContaining({ tierTexts: 0 })])
    expect(state()).toEqual(before)
  })

  it('refuses, changing nothing, a file that gives a tier of one text per utterance several intervals', async () => {
    // The project has "Translation" as one text per utterance now; this file has it time-aligned.
    const file = join(work, 'mismatch.eaf')
    writeFileSync(
      file,
      tiered(
        [
          [100, 400, 'habari'],
          [450, 900, 'za'],
        ],
        [],
      )
        .replace(/<TIER LINGUISTIC_TYPE_REF="tr"[^>]*><\/TIER>/, '')
        .replace('TIER_ID="SPK-A - Gloss"', 'TIER_ID="SPK-A - Translation"'),
    )
    const before = state()
    const summary = await importAnnotation([file])
    expect(summary.imported).toEqual([])
    expect(summary.rejected[0]?.message).toMatch(
      /mismatch\.eaf: tier "Translation" holds one text per utterance in this project, but the file gives utterance \d+ 2 intervals/,
    )
    expect(state()).toEqual(before)
  })
})
