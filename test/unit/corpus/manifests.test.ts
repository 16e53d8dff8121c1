import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import {
  commonVoiceColumns,
  readCommonVoice,
  writeCommonVoice,
} from '../../../src/main/core/formats/corpus/common-voice'
import {
  readCsvManifest,
  writeCsvManifest,
} from '../../../src/main/core/formats/corpus/csv-manifest'
import { writeHuggingFace } from '../../../src/main/core/formats/corpus/huggingface'
import type { Corpus } from '../../../src/main/core/formats/corpus/model'
import { writeNemo } from '../../../src/main/core/formats/corpus/nemo'
import { comparable, sampleCorpus, textOf } from './sample'

/** The sample corpus with one audio file per utterance, as the exporter cuts them. */
function withSegments(): Corpus {
  const corpus = sampleCorpus()
  for (const u of corpus.utterances) u.segmentAudioPath = `export/clips/${u.id}.wav`
  return corpus
}

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)

describe('NeMo manifest', () => {
  it('points into recordings with offsets, paths relative to the manifest', () => {
    const { files, notes } = writeNemo(sampleCorpus(), { dir: 'nemo' })
    expect(files[0]?.path).toBe('nemo/manifest.jsonl')
    const lines = jsonLines(textOf(files[0]))
    expect(lines).toHaveLength(6)
    expect(lines[0]).toEqual({
      audio_filepath: '../audio/rec0001.wav',
      offset: 0.5,
      duration: 1.75,
      text: 'Habari za asubuhi rafiki',
      lang: 'sw',
      speaker: 'amina',
    })
    expect(lines[4]).toEqual({
      audio_filepath: '../audio/rec0001.wav',
      offset: 10.001,
      duration: 2.333,
      text: 'ठीक है',
      lang: 'hi',
      speaker: 'ravi',
    })
    expect(lines[5]).toEqual({
      audio_filepath: '../audio/rec0002.wav',
      offset: 1.5,
      duration: 8.499,
      text: 'Asante sana kwa kila kitu',
      speaker: 'amina',
    })
    expect(notes).toEqual([
      {
        kind: 'skipped',
        utteranceId: 'utt0006',
        recordingId: 'rec0002',
        message: 'empty transcript',
      },
    ])
  })

  it('points at segment files without offsets in segments mode', () => {
    const lines = jsonLines(
      textOf(writeNemo(withSegments(), { dir: 'export', audio: 'segments' }).files[0]),
    )
    expect(lines[1]).toEqual({
      audio_filepath: 'clips/utt0002.wav',
      duration: 2,
      text: 'मैं ठीक हूँ, thank you',
      lang: 'hi',
      speaker: 'ravi',
    })
    expect(() => writeNemo(sampleCorpus(), { audio: 'segments' })).toThrow(
      /utt0001" has no audio file of its own/,
    )
  })
})

describe('Hugging Face audiofolder', () => {
  it('writes metadata.jsonl with file_name relative to the folder', () => {
    const { files } = writeHuggingFace(withSegments(), { dir: 'export' })
    expect(files[0]?.path).toBe('export/metadata.jsonl')
    const rows = jsonLines(textOf(files[0]))
    expect(rows.map((r) => r.file_name)).toEqual([
      'clips/utt0001.wav',
      'clips/utt0002.wav',
      'clips/utt0003.wav',
      'clips/utt0004.wav',
      'clips/utt0005.wav',
      'clips/utt0007.wav',
    ])
    expect(rows[1]).toEqual({
      file_name: 'clips/utt0002.wav',
      transcription: 'मैं ठीक हूँ, thank you',
      utterance_id: 'utt0002',
      speaker_id: 'ravi',
      language: 'hi',
      gender: 'male',
      age_band: 'twenties',
      dialect: null,
      first_language: 'hi',
      recording_id: 'rec0001',
      start: 2,
      end: 4,
      language_spans: [
        { start: 0, end: 3, lang: 'hi' },
        { start: 3, end: 5, lang: 'en' },
      ],
      noisy: false,
    })
  })

  it('says which clips an annotator marked noisy but usable', () => {
    const corpus = withSegments()
    corpus.utterances[1]!.noisy = true
    const rows = textOf(writeHuggingFace(corpus, { dir: 'export' }).files[0])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { utterance_id: string; noisy: boolean })
    expect(rows.filter((r) => r.noisy).map((r) => r.utterance_id)).toEqual(['utt0002'])
    const csv = textOf(writeCsvManifest(corpus, { dir: 'export' }).files[0])
    const table = parse(csv, { columns: true }) as Record<string, string>[]
    expect(table.map((r) => r.noisy)).toEqual(table.map((r) => (r.id === 'utt0002' ? '1' : '0')))
  })

  it('writes metadata.csv that a CSV parser reads back', () => {
    const csv = textOf(writeHuggingFace(withSegments(), { dir: 'export', format: 'csv' }).files[0])
    const rows = parse(csv, { columns: true }) as Record<string, string>[]
    expect(rows[2]).toMatchObject({
      file_name: 'clips/utt0003.wav',
      transcription: 'Alisema "ndiyo" <&> sawa',
      speaker_id: 'amina',
      start: '2.25',
    })
    expect(JSON.parse(rows[1]?.language_spans ?? '')).toEqual([
      { start: 0, end: 3, lang: 'hi' },
      { start: 3, end: 5, lang: 'en' },
    ])
  })

  it('refuses audio outside the folder and utterances without their own file', () => {
    expect(() => writeHuggingFace(withSegments(), { dir: 'hf' })).toThrow(
      /only reference audio inside "hf"; "export\/clips\/utt0001.wav" is outside/,
    )
    expect(() => writeHuggingFace(sampleCorpus())).toThrow(
      /needs; export its audio as segments first/,
    )
  })
})

describe('Common Voice TSV', () => {
  it('writes the release columns in order, paths relative to clips/', () => {
    const corpus = withSegments()
    corpus.speakers[1]!.gender = 'nonbinary'
    const tsv = textOf(writeCommonVoice(corpus, { dir: 'export', locale: 'sw' }).files[0])
    const lines = tsv.split('\n')
    expect(lines[0]).toBe(
      'client_id\tpath\tsentence\tup_votes\tdown_votes\tage\tgender\taccents\tlocale\tsegment',
    )
    expect(lines[0]?.split('\t')).toEqual([...commonVoiceColumns])
    expect(lines[1]).toBe(
      'amina\tutt0001.wav\tHabari za asubuhi rafiki\t0\t0\tthirties\tfemale\tKiunguja\tsw\t',
    )
    expect(lines[2]).toBe('ravi\tutt0002.wav\tमैं ठीक हूँ, thank you\t0\t0\ttwenties\tother\t\thi\t')
    expect(lines[6]).toBe(
      'amina\tutt0007.wav\tAsante sana kwa kila kitu\t0\t0\tthirties\tfemale\tKiunguja\tsw\t',
    )
    expect(lines).toHaveLength(8)
  })

  it('reads a release TSV back, bare quotes included', () => {
    const tsv = textOf(writeCommonVoice(withSegments(), { dir: 'export' }).files[0])
    const { corpus, notes } = readCommonVoice(tsv, 'cv/validated.tsv')
    expect(
      corpus.utterances.map((u) => [u.id, u.speaker, u.text, u.language, u.untimed]),
    ).toContainEqual(['utt0003', 'amina', 'Alisema "ndiyo" <&> sawa', 'sw', true])
    expect(corpus.recordings[0]).toEqual({
      id: 'utt0001',
      audioPath: 'clips/utt0001.wav',
      durationSec: 0,
      speaker: 'amina',
    })
    expect(corpus.speakers).toContainEqual({
      code: 'ravi',
      gender: 'male',
      ageBand: 'twenties',
      dialect: null,
      firstLanguage: null,
    })
    expect(notes).toEqual([
      'Common Voice has no clip durations: every utterance is its whole clip.',
    ])
  })

  it('refuses a bad vote count or a duplicate clip with line and column', () => {
    const head = 'client_id\tpath\tsentence\tup_votes\tdown_votes\n'
    expect(() => readCommonVoice(`${head}c1\ta.mp3\thi\t2\tx\n`, 'v.tsv')).toThrow(
      'v.tsv, line 2, column 15: down_votes "x" is not a whole number.',
    )
    expect(() =>
      readCommonVoice(`${head}c1\ta.mp3\thi\t2\t0\nc2\ta.mp3\tyo\t1\t0\n`, 'v.tsv'),
    ).toThrow('v.tsv, line 3, column 4: clip "a.mp3" appears twice (first on line 2).')
    expect(() => readCommonVoice('client_id\tsentence\nc\thi\n', 'v.tsv')).toThrow(
      'v.tsv, line 1, column 1: the header has no "path" column.',
    )
  })
})

describe('CSV manifest', () => {
  it('writes RFC 4180 CSV that reads back with text, times and speakers', () => {
    const corpus = sampleCorpus()
    const { files } = writeCsvManifest(corpus, { dir: 'export' })
    const csv = textOf(files[0])
    expect(csv.split('\r\n')[0]).toBe('id,path,start,end,speaker,text,language,noisy')
    expect(csv).toContain(
      'utt0003,../audio/rec0001.wav,2.25,3.5,amina,"Alisema ""ndiyo"" <&> sawa",sw,0\r\n',
    )
    expect(csv).toContain('utt0006,../audio/rec0002.wav,0,1.5,ravi,,,0\r\n')
    expect(csv).toContain(
      'utt0007,../audio/rec0002.wav,1.5,9.999,amina,"Asante sana\tkwa\nkila kitu",,0\r\n',
    )
    const { corpus: back } = readCsvManifest(csv, 'export/manifest.csv')
    expect(comparable(back.utterances)).toEqual(comparable(corpus.utterances))
    expect(back.utterances.map((u) => u.id)).toEqual(corpus.utterances.map((u) => u.id))
    expect(back.recordings.map((r) => [r.id, r.audioPath])).toEqual([
      ['rec0001', '../audio/rec0001.wav'],
      ['rec0002', '../audio/rec0002.wav'],
    ])
  })

  it('writes an unquoted TSV in segments mode', () => {
    const tsv = textOf(
      writeCsvManifest(withSegments(), { dir: 'export', audio: 'segments', delimiter: '\t' })
        .files[0],
    )
    expect(tsv.split('\n')[7]).toBe(
      'utt0007\tclips/utt0007.wav\t0\t8.499\tamina\tAsante sana kwa kila kitu\t\t0',
    )
    const { corpus } = readCsvManifest(tsv, 'export/manifest.tsv')
    expect(corpus.utterances[6]).toMatchObject({
      recordingId: 'utt0007',
      start: 0,
      end: 8.499,
      text: 'Asante sana kwa kila kitu',
    })
  })

  it('reads rows without times as whole files', () => {
    const { corpus } = readCsvManifest('path,text\nclips/a.wav,hello\n', 'm.csv')
    expect(corpus.utterances).toEqual([
      {
        id: 'a_0001',
        recordingId: 'a',
        speaker: null,
        start: 0,
        end: 0,
        text: 'hello',
        language: null,
        spans: [],
        words: [],
        untimed: true,
      },
    ])
  })

  it.each([
    [
      'start after end',
      'path,start,end,text\na.wav,1,2,ok\nb.wav,5.2,3.1,bad\n',
      'm.csv, line 3, column 11: the start 5.2 is not before the end 3.1.',
    ],
    [
      'a bad number',
      'path,start,end,text\na.wav,1,2,ok\n"b, c.wav",1.2.3,4,bad\n',
      'm.csv, line 3, column 12: the start "1.2.3" is not a number of seconds.',
    ],
    [
      'a bad number after a multi-line field',
      'text,path,start,end\n"two\nlines",a.wav,abc,2\n',
      'm.csv, line 3, column 14: the start "abc" is not a number of seconds.',
    ],
    [
      'only one of start and end',
      'path,start,end\na.wav,,2\n',
      'm.csv, line 2, column 7: give both start and end, or neither.',
    ],
    ['an empty path', 'text,path\nhi,\n', 'm.csv, line 2, column 4: the path is empty.'],
    [
      'a bad language tag',
      'path,language\na.wav,Swahili!\n',
      'm.csv, line 2, column 7: "Swahili!" is not a language tag',
    ],
    [
      'a duplicate id',
      'id,path\nu1,a.wav\nu1,b.wav\n',
      'm.csv, line 3, column 1: utterance "u1" appears twice (first on line 2).',
    ],
    [
      'a row with too many fields',
      'path,text\na.wav,hi,extra\n',
      'm.csv, line 2, column 1: malformed CSV',
    ],
    [
      'no path column',
      'text\nhi\n',
      'm.csv, line 1, column 1: the header has no audio path column',
    ],
  ])('refuses %s with line and column', (_, text, message) => {
    expect(() => readCsvManifest(text, 'm.csv')).toThrow(message)
  })
})
