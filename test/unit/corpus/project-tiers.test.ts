import { describe, expect, it } from 'vitest'
import { readEaf } from '../../../src/main/core/formats/corpus/eaf-read'
import { writeEaf } from '../../../src/main/core/formats/corpus/eaf-write'
import { readTextGrid } from '../../../src/main/core/formats/corpus/textgrid-read'
import { writeTextGrid } from '../../../src/main/core/formats/corpus/textgrid-write'
import { eafProblems } from './eaf-structure'
import { comparable, sampleWithTiers, textGridTiers, textOf, tierTextsOf } from './sample'

/*
 * The project's own tiers in ELAN and Praat files: written as dependent tiers of each speaker
 * tier with the linguistic types ELAN expects, read back from our files and from hand-made ones,
 * and refused, naming the file and tier, where they do not fit their utterances.
 */

const date = new Date('2025-01-02T03:04:05Z')

/** The texts the sample has, as a writer of `unit`-precision times gives them back. */
const expected = tierTextsOf(sampleWithTiers().utterances)

describe('ELAN writer and reader', () => {
  it('writes each project tier under each speaker tier with its linguistic type and constraint', () => {
    const { files, notes } = writeEaf(sampleWithTiers(), { dir: 'elan', date })
    for (const f of files) expect(eafProblems(textOf(f))).toEqual([])
    expect(notes).toEqual([])
    const xml = textOf(files[0])
    expect(xml).toContain(
      '<TIER LINGUISTIC_TYPE_REF="Translation" PARENT_REF="amina" PARTICIPANT="amina" TIER_ID="amina - Translation">',
    )
    expect(xml).toContain(
      '<TIER LINGUISTIC_TYPE_REF="Gloss" PARENT_REF="amina (overlap 2)" PARTICIPANT="amina" TIER_ID="amina (overlap 2) - Gloss">',
    )
    expect(xml).toContain(
      '<LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="Translation" TIME_ALIGNABLE="false"/>',
    )
    expect(xml).toContain(
      '<LINGUISTIC_TYPE CONSTRAINTS="Included_In" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="Gloss" TIME_ALIGNABLE="true"/>',
    )
    // The translation refers to its utterance's annotation; it has no time slots of its own.
    const utterance =
      /ANNOTATION_ID="(a\d+)"[^>]*>\s*<ANNOTATION_VALUE>Habari za asubuhi rafiki</.exec(xml)?.[1]
    expect(xml).toMatch(
      new RegExp(
        `<REF_ANNOTATION ANNOTATION_ID="a\\d+" ANNOTATION_REF="${utterance}">\\s*<ANNOTATION_VALUE>Good morning, "friend" &lt;&amp;&gt;</ANNOTATION_VALUE>`,
      ),
    )
    // Speakers without tier text still get the (empty) tiers, ready to fill in in ELAN.
    expect(textOf(files[1])).toContain(
      '<TIER LINGUISTIC_TYPE_REF="Gloss" PARENT_REF="ravi" PARTICIPANT="ravi" TIER_ID="ravi - Gloss"/>',
    )
  })

  it('reads its own file back: the same tiers, kinds and texts, times within a millisecond', () => {
    const { files } = writeEaf(sampleWithTiers(), { dir: 'elan', date })
    const read = files.map((f) => readEaf(textOf(f), f.path))
    expect(read[0]!.corpus.tiers).toEqual(sampleWithTiers().tiers)
    const back = read.flatMap((r) => r.corpus.utterances)
    expect(comparable(back)).toEqual(comparable(sampleWithTiers().utterances))
    expect(tierTextsOf(back)).toEqual(expected)
    expect(read[0]!.notes.filter((n) => /was not read/.test(n))).toEqual([])
  })

  it('clamps intervals the utterance no longer holds, with a note', () => {
    const corpus = sampleWithTiers()
    corpus.utterances.find((u) => u.id === 'utt0005')!.tiers = [
      {
        tier: 'Gloss',
        intervals: [
          { start: 9.5, end: 10.5, text: 'fine' },
          { start: 12.5, end: 13, text: 'gone' },
        ],
      },
    ]
    const { files, notes } = writeEaf(corpus, { date })
    expect(eafProblems(textOf(files[0]))).toEqual([])
    expect(notes).toEqual([
      {
        kind: 'adjusted',
        utteranceId: 'utt0005',
        recordingId: 'rec0001',
        message:
          '1 interval(s) of tier "Gloss" had no time left inside the utterance and are not written',
      },
    ])
    const back = readEaf(textOf(files[0]), 'x.eaf').corpus.utterances.find(
      (u) => u.id === 'utt0005',
    )
    expect(back?.tiers).toEqual([
      { tier: 'Gloss', intervals: [{ start: 10.001, end: 10.5, text: 'fine' }] },
    ])
  })
})

describe('Praat writer and reader', () => {
  it('writes each project tier as an interval tier that tiles the file', () => {
    const { files } = writeTextGrid(sampleWithTiers())
    const tiers = textGridTiers(textOf(files[0]))
    expect(tiers.map(([name]) => name)).toEqual([
      'amina',
      'amina - words',
      'amina - Translation',
      'amina - Gloss',
      'amina (overlap 2)',
      'amina (overlap 2) - Translation',
      'amina (overlap 2) - Gloss',
      'ravi',
      'ravi - words',
      'ravi - Translation',
      'ravi - Gloss',
    ])
    const gloss = new Map(tiers)
    expect(gloss.get('amina - Gloss')).toEqual([
      [0, 0.5, ''],
      [0.5, 0.9, 'news'],
      [0.9, 0.95, ''],
      [0.95, 1.1, 'of'],
      [1.1, 1.7, 'morning'],
      [1.7, 20, ''],
    ])
    expect(gloss.get('amina - Translation')).toEqual([
      [0, 0.5, ''],
      [0.5, 2.25, 'Good morning, "friend" <&>'],
      [2.25, 20, ''],
    ])
  })

  it('reads its own file back, telling the kinds by whether intervals span their utterance', () => {
    const { files } = writeTextGrid(sampleWithTiers())
    const read = files.map((f) => readTextGrid(textOf(f), f.path))
    expect(read[0]!.corpus.tiers).toEqual(sampleWithTiers().tiers)
    // rec0002 has no tier text to tell from: time-aligned, which holds either kind.
    expect(read[1]!.corpus.tiers).toEqual([
      { name: 'Translation', kind: 'time' },
      { name: 'Gloss', kind: 'time' },
    ])
    const back = read.flatMap((r) => r.corpus.utterances)
    expect(comparable(back)).toEqual(comparable(sampleWithTiers().utterances.filter((u) => u.text)))
    // Utterance ids are the reader's own (a TextGrid keeps none): compare by start instead.
    const byStart = (us: { start: number; tiers?: unknown }[]): [number, unknown][] =>
      us.filter((u) => u.tiers).map((u) => [Math.round(u.start * 1000), u.tiers])
    expect(byStart(back)).toEqual(byStart(sampleWithTiers().utterances))
  })
})

const handMadeEaf = (gloss: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2020-01-01T00:00:00+00:00" FORMAT="3.0" VERSION="3.0">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
        <MEDIA_DESCRIPTOR MEDIA_URL="./talk.wav" MIME_TYPE="audio/x-wav"/>
    </HEADER>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1000"/>
        <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="2000"/>
        <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="2500"/>
        <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="3000"/>
        <TIME_SLOT TIME_SLOT_ID="ts5" TIME_VALUE="4000"/>
    </TIME_ORDER>
    <TIER LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT="Juma" TIER_ID="tx@Juma">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts4"><ANNOTATION_VALUE>habari yako</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="ft" PARENT_REF="tx@Juma" PARTICIPANT="Juma" TIER_ID="ft@Juma">
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a2" ANNOTATION_REF="a1"><ANNOTATION_VALUE>how are you</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="gl" PARENT_REF="tx@Juma" PARTICIPANT="Juma" TIER_ID="gloss@Juma">
${gloss}
    </TIER>
    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="ft" TIME_ALIGNABLE="false"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Time_Subdivision" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="gl" TIME_ALIGNABLE="true"/>
    <CONSTRAINT DESCRIPTION="" STEREOTYPE="Time_Subdivision"/>
    <CONSTRAINT DESCRIPTION="" STEREOTYPE="Symbolic_Association"/>
</ANNOTATION_DOCUMENT>
`
const glossAt = (id: string, from: string, to: string, text: string): string =>
  `        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="${id}" TIME_SLOT_REF1="${from}" TIME_SLOT_REF2="${to}"><ANNOTATION_VALUE>${text}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>`

describe('hand-made files', () => {
  it('ELAN: "name@participant" tiers under the utterance tier, by their constraint', () => {
    const xml = handMadeEaf(
      [glossAt('a3', 'ts1', 'ts2', 'news'), glossAt('a4', 'ts2', 'ts4', 'your')].join('\n'),
    )
    const { corpus } = readEaf(xml, 'talk.eaf')
    expect(corpus.tiers).toEqual([
      { name: 'ft', kind: 'utterance' },
      { name: 'gloss', kind: 'time' },
    ])
    expect(corpus.utterances[0]?.tiers).toEqual([
      { tier: 'ft', intervals: [{ start: 1, end: 3, text: 'how are you' }] },
      {
        tier: 'gloss',
        intervals: [
          { start: 1, end: 2, text: 'news' },
          { start: 2, end: 3, text: 'your' },
        ],
      },
    ])
  })

  it('ELAN: refuses overlapping intervals and text outside the utterance, naming file and tier', () => {
    const at = (xml: string, needle: string): string => {
      const before = xml.slice(0, xml.indexOf(needle)).split('\n')
      return `line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`
    }
    const overlap = handMadeEaf(
      [glossAt('a3', 'ts1', 'ts3', 'news'), glossAt('a4', 'ts2', 'ts4', 'your')].join('\n'),
    )
    expect(() => readEaf(overlap, 'talk.eaf')).toThrow(
      `talk.eaf, ${at(overlap, '<ALIGNABLE_ANNOTATION ANNOTATION_ID="a4"')}: tier "gloss@Juma": "your" at 2.000–3.000 s overlaps "news" at 1.000–2.500 s; a tier holds one interval at a time.`,
    )
    const outside = handMadeEaf(glossAt('a3', 'ts2', 'ts5', 'late'))
    expect(() => readEaf(outside, 'talk.eaf')).toThrow(
      `talk.eaf, ${at(outside, '<ALIGNABLE_ANNOTATION ANNOTATION_ID="a3"')}: tier "gloss@Juma": "late" at 2.000–4.000 s is not inside an utterance of tier "tx@Juma".`,
    )
  })

  it('Praat: "<tier> - <name>" tiers are project tiers, not speakers; reserved names are noted', () => {
    const grid = (gloss: string[]): string =>
      [
        'File type = "ooTextFile"',
        'Object class = "TextGrid"',
        '',
        '0',
        '4',
        '<exists>',
        '4',
        '"IntervalTier"',
        '"Juma"',
        '0 4 3',
        '0 1 ""',
        '1 3 "habari yako"',
        '3 4 ""',
        '"IntervalTier"',
        '"Juma - translation"',
        '0 4 3',
        '0 1 ""',
        '1 3 "how are you"',
        '3 4 ""',
        '"IntervalTier"',
        '"Juma - gloss"',
        `0 4 ${gloss.length}`,
        ...gloss,
        '"IntervalTier"',
        '"Juma - language"',
        '0 4 1',
        '0 4 ""',
        '',
      ].join('\n')
    const { corpus, notes } = readTextGrid(
      grid(['0 1 ""', '1 2 "news"', '2 3 "your"', '3 4 ""']),
      'talk.TextGrid',
    )
    expect(corpus.speakers.map((s) => s.code)).toEqual(['Juma'])
    expect(corpus.tiers).toEqual([
      { name: 'translation', kind: 'utterance' },
      { name: 'gloss', kind: 'time' },
    ])
    expect(corpus.utterances[0]?.tiers).toEqual([
      { tier: 'translation', intervals: [{ start: 1, end: 3, text: 'how are you' }] },
      {
        tier: 'gloss',
        intervals: [
          { start: 1, end: 2, text: 'news' },
          { start: 2, end: 3, text: 'your' },
        ],
      },
    ])
    expect(notes).toContain(
      'tier "Juma - language" was not read: "language" is a name the exports keep for their own tiers.',
    )
    expect(() =>
      readTextGrid(grid(['0 1 ""', '1 2 "news"', '2 4 "your"']), 'talk.TextGrid'),
    ).toThrow(
      /^talk\.TextGrid, line 25, column 1: tier "Juma - gloss": "your" at 2\.000–4\.000 s is not inside an utterance of tier "Juma"\.$/,
    )
  })
})
