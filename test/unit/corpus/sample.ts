import type { Corpus, CorpusUtterance } from '../../../src/main/core/formats/corpus/model'

/**
 * A small corpus with what breaks format writers: Devanagari and Swahili text, quotes and <&>,
 * two speakers overlapping, one speaker overlapping herself, utterances that touch, times below
 * a millisecond, an empty transcript and a transcript with tabs and line breaks.
 */
export function sampleCorpus(): Corpus {
  const utt = (
    u: Partial<CorpusUtterance> &
      Pick<CorpusUtterance, 'id' | 'recordingId' | 'speaker' | 'start' | 'end' | 'text'>,
  ): CorpusUtterance => ({
    language: null,
    spans: [],
    words: [],
    ...u,
  })
  return {
    speakers: [
      {
        code: 'amina',
        gender: 'female',
        ageBand: 'thirties',
        dialect: 'Kiunguja',
        firstLanguage: 'sw',
      },
      { code: 'ravi', gender: 'male', ageBand: 'twenties', dialect: null, firstLanguage: 'hi' },
    ],
    recordings: [
      { id: 'rec0001', audioPath: 'audio/rec0001.wav', durationSec: 20, speaker: null },
      { id: 'rec0002', audioPath: 'audio/rec0002.wav', durationSec: 10, speaker: null },
    ],
    utterances: [
      utt({
        id: 'utt0001',
        recordingId: 'rec0001',
        speaker: 'amina',
        start: 0.5,
        end: 2.25,
        text: 'Habari za asubuhi rafiki',
        language: 'sw',
        words: [
          { word: 'Habari', start: 0.5, end: 0.9 },
          { word: 'za', start: 0.95, end: 1.1 },
          { word: 'asubuhi', start: 1.1, end: 1.7 },
          { word: 'rafiki', start: 1.75, end: 2.25 },
        ],
      }),
      utt({
        id: 'utt0002',
        recordingId: 'rec0001',
        speaker: 'ravi',
        start: 2.0,
        end: 4.0,
        text: 'मैं ठीक हूँ, thank you',
        language: 'hi',
        spans: [
          { start: 0, end: 3, lang: 'hi' },
          { start: 3, end: 5, lang: 'en' },
        ],
        words: [
          { word: 'मैं', start: 2.0, end: 2.3 },
          { word: 'ठीक', start: 2.3, end: 2.7 },
          { word: 'हूँ,', start: 2.7, end: 3.1 },
          { word: 'thank', start: 3.2, end: 3.6 },
          { word: 'you', start: 3.6, end: 3.95 },
        ],
      }),
      utt({
        id: 'utt0003',
        recordingId: 'rec0001',
        speaker: 'amina',
        start: 2.25,
        end: 3.5,
        text: 'Alisema "ndiyo" <&> sawa',
        language: 'sw',
      }),
      utt({
        id: 'utt0004',
        recordingId: 'rec0001',
        speaker: 'amina',
        start: 3.0,
        end: 3.9,
        text: 'na wewe je?',
        language: 'sw',
        spans: [{ start: 0, end: 3, lang: 'sw' }],
      }),
      utt({
        id: 'utt0005',
        recordingId: 'rec0001',
        speaker: 'ravi',
        start: 10.0005,
        end: 12.3335,
        text: 'ठीक है',
        language: 'hi',
      }),
      utt({ id: 'utt0006', recordingId: 'rec0002', speaker: 'ravi', start: 0, end: 1.5, text: '' }),
      utt({
        id: 'utt0007',
        recordingId: 'rec0002',
        speaker: 'amina',
        start: 1.5,
        end: 9.999,
        text: 'Asante sana\tkwa\nkila kitu',
      }),
    ],
  }
}

/** Utterances as the round-trip tests compare them: speaker, text and times in whole ms. */
export function comparable(
  utterances: CorpusUtterance[],
): { speaker: string | null; text: string; start: number; end: number }[] {
  return utterances
    .map((u) => ({
      speaker: u.speaker,
      text: u.text,
      start: Math.round(u.start * 1000),
      end: Math.round(u.end * 1000),
    }))
    .sort((a, b) => a.start - b.start || a.end - b.end || (a.text < b.text ? -1 : 1))
}

/** The text of an OutFile, which writers of text formats give as a string. */
export function textOf(file: { content: string | Uint8Array } | undefined): string {
  if (!file) throw new Error('no such file in the export')
  return typeof file.content === 'string' ? file.content : new TextDecoder().decode(file.content)
}

/** The tiers of a long-format TextGrid as [name, [[xmin, xmax, text]…]], read with regexes only. */
export function textGridTiers(textgrid: string): [string, [number, number, string][]][] {
  return textgrid
    .split(/\n {4}item \[\d+\]:\n/)
    .slice(1)
    .map((block) => {
      const name = /name = "(.*)" \n/.exec(block)?.[1] ?? ''
      const intervals = [
        ...block.matchAll(/xmin = (\S+) \n {12}xmax = (\S+) \n {12}text = "((?:[^"]|"")*)" /g),
      ].map((m): [number, number, string] => [
        Number(m[1]),
        Number(m[2]),
        (m[3] ?? '').replace(/""/g, '"'),
      ])
      return [name, intervals]
    })
}

/**
 * The sample corpus with two project tiers: a translation (one text per utterance, with quotes
 * and <&>) and a gloss (time-aligned, with a gap), on utterances of both speakers, one of them on
 * amina's overlap tier. rec0002 has no tier text at all.
 */
export function sampleWithTiers(): Corpus {
  const corpus = sampleCorpus()
  corpus.tiers = [
    { name: 'Translation', kind: 'utterance' },
    { name: 'Gloss', kind: 'time' },
  ]
  const texts: Record<string, CorpusUtterance['tiers']> = {
    utt0001: [
      {
        tier: 'Translation',
        intervals: [{ start: 0.5, end: 2.25, text: 'Good morning, "friend" <&>' }],
      },
      {
        tier: 'Gloss',
        intervals: [
          { start: 0.5, end: 0.9, text: 'news' },
          { start: 0.95, end: 1.1, text: 'of' },
          { start: 1.1, end: 1.7, text: 'morning' },
        ],
      },
    ],
    utt0002: [
      { tier: 'Translation', intervals: [{ start: 2, end: 4, text: 'मैं ठीक हूँ: I am fine' }] },
    ],
    utt0004: [{ tier: 'Gloss', intervals: [{ start: 3.1, end: 3.5, text: 'and you' }] }],
  }
  for (const u of corpus.utterances) if (texts[u.id]) u.tiers = texts[u.id]
  return corpus
}

/** Project tier texts as round trips compare them: utterance, tier, text, times in whole ms. */
export function tierTextsOf(
  utterances: CorpusUtterance[],
): [string, string, string, number, number][] {
  return utterances
    .flatMap((u) =>
      (u.tiers ?? []).flatMap((t) =>
        t.intervals.map((i): [string, string, string, number, number] => [
          u.id,
          t.tier,
          i.text,
          Math.round(i.start * 1000),
          Math.round(i.end * 1000),
        ]),
      ),
    )
    .sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : a[0] + a[1] > b[0] + b[1] ? 1 : a[3] - b[3]))
}
