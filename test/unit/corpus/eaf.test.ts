import { describe, expect, it } from 'vitest'
import { readEaf } from '../../../src/main/core/formats/corpus/eaf-read'
import { writeEaf } from '../../../src/main/core/formats/corpus/eaf-write'
import { SautiError } from '../../../src/shared/errors'
import { eafProblems } from './eaf-structure'
import { comparable, sampleCorpus, textOf } from './sample'

const date = new Date('2025-01-02T03:04:05Z')

/** Line and column (1-based) of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): string {
  const i = text.indexOf(needle)
  const before = text.slice(0, i).split('\n')
  return `line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`
}

const generic = `<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2020-01-01T00:00:00+00:00" FORMAT="3.0" VERSION="3.0">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
        <MEDIA_DESCRIPTOR MEDIA_URL="file:///C:/corpus/my%20talk.wav" MIME_TYPE="audio/x-wav" RELATIVE_MEDIA_URL="./my%20talk.wav"/>
    </HEADER>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1000"/>
        <TIME_SLOT TIME_SLOT_ID="ts2"/>
        <TIME_SLOT TIME_SLOT_ID="ts3"/>
        <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="4000"/>
        <TIME_SLOT TIME_SLOT_ID="ts5" TIME_VALUE="5000"/>
        <TIME_SLOT TIME_SLOT_ID="ts6" TIME_VALUE="6500"/>
    </TIME_ORDER>
    <TIER LINGUISTIC_TYPE_REF="ut" TIER_ID="Speaker A">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts4"><ANNOTATION_VALUE>one two three</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LANG_REF="swh" LINGUISTIC_TYPE_REF="ut" PARTICIPANT="B" TIER_ID="tx@B">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts5" TIME_SLOT_REF2="ts6"><ANNOTATION_VALUE><![CDATA[a <b> c]]></ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="wd" PARENT_REF="Speaker A" TIER_ID="words A">
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>one</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a4" TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3"><ANNOTATION_VALUE>two</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a5" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4"><ANNOTATION_VALUE>three</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="tr" PARENT_REF="Speaker A" TIER_ID="translation A">
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a6" ANNOTATION_REF="a1"><ANNOTATION_VALUE>moja mbili tatu</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="sub" PARENT_REF="tx@B" TIER_ID="morphs B">
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a8" ANNOTATION_REF="a2" PREVIOUS_ANNOTATION="a7"><ANNOTATION_VALUE>y</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a7" ANNOTATION_REF="a2"><ANNOTATION_VALUE>x</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
    </TIER>
    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="ut" TIME_ALIGNABLE="true"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Time_Subdivision" LINGUISTIC_TYPE_ID="wd" TIME_ALIGNABLE="true"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" LINGUISTIC_TYPE_ID="tr" TIME_ALIGNABLE="false"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Subdivision" LINGUISTIC_TYPE_ID="sub" TIME_ALIGNABLE="false"/>
    <LANGUAGE LANG_ID="swh"/>
    <CONSTRAINT DESCRIPTION="" STEREOTYPE="Time_Subdivision"/>
    <CONSTRAINT DESCRIPTION="" STEREOTYPE="Symbolic_Subdivision"/>
    <CONSTRAINT DESCRIPTION="" STEREOTYPE="Symbolic_Association"/>
</ANNOTATION_DOCUMENT>
`

describe('ELAN writer', () => {
  it('writes one document per recording with the structure ELAN expects', () => {
    const { files } = writeEaf(sampleCorpus(), { dir: 'elan', date })
    expect(files.map((f) => f.path)).toEqual(['elan/rec0001.eaf', 'elan/rec0002.eaf'])
    for (const f of files) expect(eafProblems(textOf(f))).toEqual([])
    const xml = textOf(files[0])
    expect(xml).toContain(
      '<MEDIA_DESCRIPTOR MEDIA_URL="../audio/rec0001.wav" MIME_TYPE="audio/x-wav" RELATIVE_MEDIA_URL="../audio/rec0001.wav"/>',
    )
    expect(xml).toContain('<ANNOTATION_VALUE>Alisema "ndiyo" &lt;&amp;&gt; sawa</ANNOTATION_VALUE>')
    expect(xml).toContain(
      '<TIER LINGUISTIC_TYPE_REF="utterance" PARTICIPANT="amina" TIER_ID="amina (overlap 2)">',
    )
    expect(xml).toContain(
      '<TIER LINGUISTIC_TYPE_REF="word" PARENT_REF="ravi" PARTICIPANT="ravi" TIER_ID="ravi - words">',
    )
    expect(xml).toContain(
      '<LINGUISTIC_TYPE CONSTRAINTS="Included_In" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="language" TIME_ALIGNABLE="true"/>',
    )
    expect(xml).toContain('DATE="2025-01-02T03:04:05.000Z"')
  })

  it('the structure check catches what ELAN would refuse', () => {
    const xml = textOf(writeEaf(sampleCorpus(), { date }).files[0])
    expect(eafProblems(xml.replace('TIME_SLOT_REF2="ts12"', 'TIME_SLOT_REF2="ts999"'))).toContain(
      'annotation a1 refers to a missing time slot',
    )
    expect(eafProblems(xml.replace('PARENT_REF="ravi"', 'PARENT_REF="nobody"'))).toContain(
      'tier ravi - words has unknown parent nobody',
    )
    expect(eafProblems(xml.replace('TIME_VALUE="12334"', 'TIME_VALUE="5"'))).toContain(
      'time slot ts34 (5) is before the previous one (10001)',
    )
    expect(eafProblems(xml.replace(/<CONSTRAINT [^>]*"Included_In"\/>/, ''))).toContain(
      'constraint Included_In is not declared',
    )
  })

  it('escapes attribute values and refuses nothing XML cannot carry', () => {
    const corpus = sampleCorpus()
    corpus.utterances[0]!.speaker = 'A "B" <C> & D'
    corpus.speakers[0]!.code = 'A "B" <C> & D'
    corpus.utterances[0]!.text = 'bell\u0007 and tab\there'
    const xml = textOf(writeEaf(corpus, { date }).files[0])
    expect(xml).toContain('PARTICIPANT="A &quot;B&quot; &lt;C&gt; &amp; D"')
    expect(eafProblems(xml)).toEqual([])
    const back = readEaf(xml, 'x.eaf').corpus.utterances.find((u) => u.id === 'utt0001')
    expect(back?.speaker).toBe('A "B" <C> & D')
    expect(back?.text).toBe('bell\uFFFD and tab\there')
  })
})

describe('ELAN round trip', () => {
  it('keeps text, times, speakers, ids, languages, spans and words', () => {
    const corpus = sampleCorpus()
    const { files } = writeEaf(corpus, { dir: 'elan', date })
    const back = files.flatMap((f) => readEaf(textOf(f), f.path).corpus.utterances)
    expect(comparable(back)).toEqual(comparable(corpus.utterances))
    const byId = new Map(back.map((u) => [u.id, u]))
    for (const u of corpus.utterances) {
      const b = byId.get(u.id)
      expect(b?.recordingId).toBe(u.recordingId)
      expect(b?.language).toBe(u.language)
      expect(b?.spans).toEqual(u.spans)
      expect(
        b?.words.map((w) => [w.word, Math.round(w.start * 1000), Math.round(w.end * 1000)]),
      ).toEqual(u.words.map((w) => [w.word, Math.round(w.start * 1000), Math.round(w.end * 1000)]))
    }
    const rec = readEaf(textOf(files[0]), files[0]!.path).corpus.recordings[0]
    expect(rec).toMatchObject({
      id: 'rec0001',
      audioPath: '../audio/rec0001.wav',
      durationSec: 12.334,
    })
  })
})

describe('ELAN reader', () => {
  it('reads top-level tiers, interpolates unaligned slots and takes words from a chosen type', () => {
    const { corpus, notes } = readEaf(generic, 'talk.eaf', { wordType: 'wd' })
    expect(corpus.recordings).toEqual([
      { id: 'talk', audioPath: 'my talk.wav', durationSec: 6.5, speaker: null },
    ])
    expect(
      corpus.utterances.map((u) => [u.id, u.speaker, u.start, u.end, u.text, u.language]),
    ).toEqual([
      ['talk_a1', 'Speaker A', 1, 4, 'one two three', null],
      ['talk_a2', 'B', 5, 6.5, 'a <b> c', 'swh'],
    ])
    expect(corpus.utterances[0]?.words).toEqual([
      { word: 'one', start: 1, end: 2 },
      { word: 'two', start: 2, end: 3 },
      { word: 'three', start: 3, end: 4 },
    ])
    // A dependent tier of another type is a project tier: a Symbolic_Association holds one text.
    expect(corpus.tiers).toEqual([{ name: 'translation A', kind: 'utterance' }])
    expect(corpus.utterances[0]?.tiers).toEqual([
      { tier: 'translation A', intervals: [{ start: 1, end: 4, text: 'moja mbili tatu' }] },
    ])
    expect(notes).toContain(
      'tier "morphs B" (sub) was not read: a symbolic subdivision has no times of its own, and a project tier holds one text per utterance or time-aligned text.',
    )
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(generic)])
    expect(readEaf(bytes, 'talk.eaf', { wordType: 'wd' }).corpus).toEqual(corpus)
  })

  it('takes reference annotations’ times from their parent, subdividing in PREVIOUS_ANNOTATION order', () => {
    const translation = readEaf(generic, 'talk.eaf', { tiers: ['translation A'] }).corpus.utterances
    expect(translation.map((u) => [u.speaker, u.start, u.end, u.text])).toEqual([
      ['translation A', 1, 4, 'moja mbili tatu'],
    ])
    const morphs = readEaf(generic, 'talk.eaf', { tiers: ['morphs B'] }).corpus.utterances
    expect(morphs.map((u) => [u.text, u.start, u.end])).toEqual([
      ['x', 5, 5.75],
      ['y', 5.75, 6.5],
    ])
  })

  it('refuses unaligned slots when asked to, naming the slot', () => {
    expect(() => readEaf(generic, 'talk.eaf', { unalignedSlots: 'reject' })).toThrow(
      `talk.eaf, ${positionOf(generic, '<TIME_SLOT TIME_SLOT_ID="ts2"/>')}: time slot "ts2" has no TIME_VALUE (unaligned slots are refused).`,
    )
  })

  it('refuses a tier that does not exist', () => {
    expect(() => readEaf(generic, 'talk.eaf', { tiers: ['nope'] })).toThrow(
      /talk\.eaf: there is no tier "nope" \(tiers: Speaker A, tx@B/,
    )
  })

  it.each([
    [
      'a broken tag',
      (x: string) => x.replace('</TIER>', '</TIR>'),
      /^bad\.eaf, line 16, column \d+: malformed XML \(unexpected close tag\)\.$/,
    ],
    [
      'an annotation referencing a missing time slot',
      (x: string) => x.replace('TIME_SLOT_REF2="ts6"', 'TIME_SLOT_REF2="ts60"'),
      `bad.eaf, ${positionOf(generic, '<ALIGNABLE_ANNOTATION ANNOTATION_ID="a2"')}: annotation "a2" refers to time slot "ts60", which TIME_ORDER does not define.`,
    ],
    [
      'a tier with an undefined linguistic type',
      (x: string) => x.replace('LINGUISTIC_TYPE_REF="tr"', 'LINGUISTIC_TYPE_REF="nope"'),
      `bad.eaf, ${positionOf(generic, '<TIER LINGUISTIC_TYPE_REF="tr"')}: tier "translation A" has LINGUISTIC_TYPE_REF "nope", which is not defined.`,
    ],
    [
      'a reference to a missing parent annotation',
      (x: string) => x.replace('ANNOTATION_REF="a1"', 'ANNOTATION_REF="a99"'),
      `bad.eaf, ${positionOf(generic, '<REF_ANNOTATION ANNOTATION_ID="a6"')}: annotation "a6" refers to annotation "a99", which does not exist.`,
    ],
    [
      'a time value that is not whole milliseconds',
      (x: string) => x.replace('TIME_VALUE="5000"', 'TIME_VALUE="5.5"'),
      `bad.eaf, ${positionOf(generic, '<TIME_SLOT TIME_SLOT_ID="ts5"')}: TIME_VALUE "5.5" is not a whole number of milliseconds.`,
    ],
    [
      'a file that is not ELAN',
      () => '<?xml version="1.0"?>\n<html/>',
      'bad.eaf, line 2, column 1: the root element is <html>, not <ANNOTATION_DOCUMENT>: this is not an ELAN file.',
    ],
  ])('refuses %s with the line and column', (_, change, message) => {
    let error: unknown
    try {
      readEaf(change(generic), 'bad.eaf')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SautiError)
    expect((error as SautiError).kind).toBe('bad_input')
    if (typeof message === 'string') expect((error as Error).message).toBe(message)
    else expect((error as Error).message).toMatch(message)
  })
})
