import { describe, expect, it } from 'vitest'
import { readTextGrid } from '../../../src/main/core/formats/corpus/textgrid-read'
import { writeTextGrid } from '../../../src/main/core/formats/corpus/textgrid-write'
import { comparable, sampleCorpus, textGridTiers as tiersOf, textOf } from './sample'

const short = `File type = "ooTextFile"
Object class = "TextGrid"

0
2.5
<exists>
3
"IntervalTier"
"Juma"
0
2.5
3
0
0.5
""
0.5
1.75
"Alisema ""sawa"""
1.75
2.5
""
"TextTier"
"events"
0
2.5
1
1.2
"cough"
"IntervalTier"
"Juma - words"
0
2.5
2
0.5
1
"Alisema"
1
1.75
"""sawa"""
`

describe('TextGrid writer', () => {
  it('writes tiers that tile [0, duration], one per speaker, plus word and overlap tiers', () => {
    const { files } = writeTextGrid(sampleCorpus(), { dir: 'praat' })
    expect(files.map((f) => f.path)).toEqual(['praat/rec0001.TextGrid', 'praat/rec0002.TextGrid'])
    const text = textOf(files[0])
    expect(
      text.startsWith(
        'File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0 \nxmax = 20 \ntiers? <exists> \nsize = 5 \n',
      ),
    ).toBe(true)
    const tiers = tiersOf(text)
    expect(tiers.map(([name]) => name)).toEqual([
      'amina',
      'amina - words',
      'amina (overlap 2)',
      'ravi',
      'ravi - words',
    ])
    for (const [, intervals] of tiers) {
      expect(intervals[0]?.[0]).toBe(0)
      expect(intervals[intervals.length - 1]?.[1]).toBe(20)
      intervals.forEach(([s, e], i) => {
        expect(e).toBeGreaterThan(s)
        if (i > 0) expect(s).toBe(intervals[i - 1]?.[1])
      })
    }
    expect(tiers[0]?.[1]).toEqual([
      [0, 0.5, ''],
      [0.5, 2.25, 'Habari za asubuhi rafiki'],
      [2.25, 3.5, 'Alisema "ndiyo" <&> sawa'],
      [3.5, 20, ''],
    ])
    expect(tiers[2]?.[1]).toEqual([
      [0, 3, ''],
      [3, 3.9, 'na wewe je?'],
      [3.9, 20, ''],
    ])
    expect(tiers[3]?.[1][3]).toEqual([10.0005, 12.3335, 'ठीक है'])
  })
})

describe('TextGrid round trip', () => {
  it('keeps text, times and speakers, overlaps and touching utterances included', () => {
    const corpus = sampleCorpus()
    const { files } = writeTextGrid(corpus)
    const back = files.flatMap((f) => readTextGrid(textOf(f), f.path).corpus.utterances)
    expect(comparable(back)).toEqual(comparable(corpus.utterances.filter((u) => u.text)))
    const ravi = back.find((u) => u.text === 'मैं ठीक हूँ, thank you')
    expect(ravi?.words.map((w) => w.word)).toEqual(['मैं', 'ठीक', 'हूँ,', 'thank', 'you'])
  })
})

describe('TextGrid reader', () => {
  it('reads the short format, words, escaped quotes, and ignores point tiers with a note', () => {
    const { corpus, notes } = readTextGrid(short, 'corpus/talk.TextGrid')
    expect(corpus.recordings).toEqual([
      { id: 'talk', audioPath: 'corpus/talk.wav', durationSec: 2.5, speaker: 'Juma' },
    ])
    expect(corpus.utterances).toEqual([
      {
        id: 'talk_0001',
        recordingId: 'talk',
        speaker: 'Juma',
        start: 0.5,
        end: 1.75,
        text: 'Alisema "sawa"',
        language: null,
        spans: [],
        words: [
          { word: 'Alisema', start: 0.5, end: 1 },
          { word: '"sawa"', start: 1, end: 1.75 },
        ],
      },
    ])
    expect(notes).toContain('point tier "events" (1 points) ignored: points are not utterances.')
  })

  it('reads UTF-16 files with either byte order and UTF-8 with a BOM', () => {
    const le = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(short.replace('Juma', 'जुमा'), 'utf16le'),
    ])
    const be = Buffer.from(le)
    be.swap16()
    be[0] = 0xfe
    be[1] = 0xff
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(short, 'utf8')])
    expect(readTextGrid(le, 'a.TextGrid').corpus.utterances[0]?.speaker).toBe('जुमा')
    expect(readTextGrid(be, 'a.TextGrid').corpus.utterances[0]?.speaker).toBe('जुमा')
    expect(readTextGrid(utf8, 'a.TextGrid').corpus.utterances[0]?.text).toBe('Alisema "sawa"')
    expect(() => readTextGrid(Buffer.from([0x22, 0xff, 0x22]), 'bin.TextGrid')).toThrow(
      /bin\.TextGrid: the file is neither UTF-8 nor UTF-16/,
    )
  })

  it('reads only the tiers asked for', () => {
    const { corpus } = readTextGrid(short, 't.TextGrid', {
      tiers: ['Juma - words'],
      recordingId: 'r1',
      audioPath: 'a/r1.flac',
    })
    expect(corpus.utterances.map((u) => [u.id, u.speaker, u.text])).toEqual([
      ['r1_0001', 'Juma - words', 'Alisema'],
      ['r1_0002', 'Juma - words', '"sawa"'],
    ])
    expect(corpus.recordings[0]?.audioPath).toBe('a/r1.flac')
    expect(() => readTextGrid(short, 't.TextGrid', { tiers: ['events'] })).toThrow(
      't.TextGrid, line 22, column 1: tier "events" is a point tier; it cannot hold utterances.',
    )
  })

  it.each([
    [
      'a missing xmax in the header',
      (t: string) => t.replace('xmax = 20 \n', ''),
      'line 5, column 8: expected xmax here, found tiers?: the xmax line is missing or out of place.',
    ],
    [
      'a missing xmax in an interval',
      (t: string) =>
        t.replace(
          '            xmin = 0.5 \n            xmax = 2.25 \n',
          '            xmin = 0.5 \n',
        ),
      'line 21, column 20: expected xmax here, found text: the xmax line is missing or out of place.',
    ],
    [
      'a number that is not one',
      (t: string) => t.replace('xmax = 2.25 ', 'xmax = 2,25 '),
      'line 21, column 20: "2,25" is not a number.',
    ],
    [
      'an interval that ends before it starts',
      (t: string) => t.replace('xmax = 2.25 ', 'xmax = 0.25 '),
      'line 21, column 20: the interval ends (0.25) before it starts (0.5).',
    ],
    [
      'an unterminated string',
      (t: string) => t.replace('text = "Habari za asubuhi rafiki" ', 'text = "Habari'),
      'line 22, column 20: this string has no closing quote where it should end.',
    ],
    [
      'a truncated file',
      (t: string) => t.slice(0, t.indexOf('    item [2]:')),
      /line \d+, column \d+: the file ends where class \(a "string"\) was expected\.$/,
    ],
  ])('refuses %s with the line and column', (_, change, message) => {
    const good = textOf(writeTextGrid(sampleCorpus()).files[0])
    const run = (): unknown => readTextGrid(change(good), 'bad.TextGrid')
    if (typeof message === 'string') expect(run).toThrow(`bad.TextGrid, ${message}`)
    else expect(run).toThrow(message)
  })

  it('refuses the missing xmax of the short format by what it finds instead', () => {
    const bad = short.replace('0\n2.5\n<exists>', '0\n<exists>')
    expect(() => readTextGrid(bad, 's.TextGrid')).toThrow(
      's.TextGrid, line 5, column 1: expected xmax (a number), found <exists>.',
    )
  })
})
