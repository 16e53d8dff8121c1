import { describe, expect, it } from 'vitest'
import { readKaldiDir, type KaldiFiles } from '../../../src/main/core/formats/corpus/kaldi-read'
import { writeKaldi } from '../../../src/main/core/formats/corpus/kaldi-write'
import type { Corpus } from '../../../src/main/core/formats/corpus/model'
import { validateKaldiDir } from './kaldi-validate'
import { comparable, sampleCorpus, textOf } from './sample'

function filesOf(result: ReturnType<typeof writeKaldi>, dir = ''): Map<string, string> {
  return new Map(result.files.map((f) => [f.path.slice(dir ? dir.length + 1 : 0), textOf(f)]))
}

function kaldiFiles(files: Map<string, string>): KaldiFiles {
  const get = (n: string): string => files.get(n) ?? ''
  return {
    text: get('text'),
    utt2spk: get('utt2spk'),
    'wav.scp': get('wav.scp'),
    segments: files.get('segments'),
    spk2gender: files.get('spk2gender'),
    reco2dur: files.get('reco2dur'),
    utt2lang: files.get('utt2lang'),
  }
}

describe('Kaldi data directory writer', () => {
  it('writes a directory that passes the checks of validate_data_dir.sh', () => {
    const result = writeKaldi(sampleCorpus(), { dir: 'kaldi/train' })
    expect(result.files.map((f) => f.path).sort()).toEqual(
      ['reco2dur', 'segments', 'spk2gender', 'spk2utt', 'text', 'utt2spk', 'wav.scp'].map(
        (f) => `kaldi/train/${f}`,
      ),
    )
    expect(validateKaldiDir(filesOf(result, 'kaldi/train'))).toEqual([])
  })

  it('prefixes utterance ids with the speaker id and writes the expected lines', () => {
    const files = filesOf(writeKaldi(sampleCorpus()))
    expect(files.get('text')).toBe(
      [
        'amina-utt0001 Habari za asubuhi rafiki',
        'amina-utt0003 Alisema "ndiyo" <&> sawa',
        'amina-utt0004 na wewe je?',
        'amina-utt0007 Asante sana kwa kila kitu',
        'ravi-utt0002 मैं ठीक हूँ, thank you',
        'ravi-utt0005 ठीक है',
        '',
      ].join('\n'),
    )
    expect(files.get('segments')).toContain('ravi-utt0005 rec0001 10.001 12.334\n')
    expect(files.get('spk2utt')).toBe(
      'amina amina-utt0001 amina-utt0003 amina-utt0004 amina-utt0007\nravi ravi-utt0002 ravi-utt0005\n',
    )
    expect(files.get('spk2gender')).toBe('amina f\nravi m\n')
    expect(files.get('reco2dur')).toBe('rec0001 20\nrec0002 10\n')
  })

  it('skips empty transcripts and reserved words, and says so', () => {
    const corpus = sampleCorpus()
    corpus.utterances.push({
      ...corpus.utterances[0]!,
      id: 'utt0099',
      text: 'hello </s> there',
      start: 15,
      end: 16,
    })
    const result = writeKaldi(corpus)
    const skipped = result.notes.filter((n) => n.kind === 'skipped').map((n) => n.utteranceId)
    expect(skipped.sort()).toEqual(['utt0006', 'utt0099'])
    expect(filesOf(result).get('text')).not.toMatch(/utt0006|utt0099/)
  })

  it('keeps utt2spk sorted by speaker when one speaker id is a prefix of another', () => {
    const corpus: Corpus = {
      speakers: ['a', 'a.b', 'a-b', 'A', 'ab'].map((code) => ({
        code,
        gender: 'female',
        ageBand: null,
        dialect: null,
        firstLanguage: null,
      })),
      recordings: [{ id: 'r', audioPath: 'r.wav', durationSec: 60, speaker: null }],
      utterances: ['a', 'a.b', 'a-b', 'A', 'ab'].map((speaker, i) => ({
        id: `z${i}`,
        recordingId: 'r',
        speaker,
        start: i,
        end: i + 1,
        text: 'x',
        language: 'sw',
        spans: [],
        words: [],
      })),
    }
    const result = writeKaldi(corpus)
    expect(validateKaldiDir(filesOf(result))).toEqual([])
    expect(result.ids.speakers.get('a-b')).toBe('a_b')
    expect(result.notes).toContainEqual({
      kind: 'info',
      message: 'speaker "a-b" is "a_b" in the Kaldi files',
    })
    expect(filesOf(result).get('utt2lang')).toContain('a-z0 sw\n')
  })

  it('omits spk2gender when a speaker is neither m nor f, with a note', () => {
    const corpus = sampleCorpus()
    corpus.speakers[1]!.gender = 'nonbinary'
    const result = writeKaldi(corpus)
    expect(filesOf(result).has('spk2gender')).toBe(false)
    expect(result.notes.some((n) => /no spk2gender.*ravi/.test(n.message))).toBe(true)
    expect(validateKaldiDir(filesOf(result))).toEqual([])
  })

  it('points wav.scp at per-utterance files without a segments file in segments mode', () => {
    const corpus = sampleCorpus()
    for (const u of corpus.utterances) u.segmentAudioPath = `clips/${u.id}.wav`
    const files = filesOf(writeKaldi(corpus, { audio: 'segments', audioPrefix: '/data/export/' }))
    expect(files.has('segments')).toBe(false)
    expect(files.get('wav.scp')).toContain('amina-utt0001 /data/export/clips/utt0001.wav\n')
    expect(files.get('reco2dur')).toContain('ravi-utt0005 2.333\n')
    expect(validateKaldiDir(files)).toEqual([])
    delete corpus.utterances[0]!.segmentAudioPath
    expect(() => writeKaldi(corpus, { audio: 'segments' })).toThrow(/utt0001.*no segment audio/)
    // An utterance that is all of its recording may use the recording itself.
    corpus.utterances[0] = { ...corpus.utterances[0]!, recordingId: 'rec0002', start: 0, end: 10 }
    expect(filesOf(writeKaldi(corpus, { audio: 'segments' })).get('wav.scp')).toContain(
      'amina-utt0001 audio/rec0002.wav\n',
    )
  })

  it('clamps an utterance that ends past its recording and refuses one that starts after it', () => {
    const corpus = sampleCorpus()
    corpus.utterances[6]!.end = 10.02
    const result = writeKaldi(corpus)
    expect(filesOf(result).get('segments')).toContain('amina-utt0007 rec0002 1.5 10\n')
    expect(result.notes).toContainEqual(
      expect.objectContaining({ kind: 'adjusted', utteranceId: 'utt0007' }),
    )
    corpus.utterances[6]!.start = 10
    expect(() => writeKaldi(corpus)).toThrow(/utt0007.*starts at 10 s, after the end/)
  })

  it('refuses audio paths with whitespace and utterances imported without times', () => {
    expect(() => writeKaldi(sampleCorpus(), { audioPrefix: '/home/me/My Export/' })).toThrow(
      'The audio path of "rec0001" contains whitespace, which wav.scp cannot hold: /home/me/My Export/audio/rec0001.wav',
    )
    const corpus = sampleCorpus()
    corpus.utterances[0] = { ...corpus.utterances[0]!, start: 0, end: 0, untimed: true }
    expect(() => writeKaldi(corpus)).toThrow(
      'Utterance "utt0001" has no times yet (it was imported untimed); measure its recording first.',
    )
  })

  it('the validator itself catches the mistakes it looks for', () => {
    const good = filesOf(writeKaldi(sampleCorpus()))
    const broken = (name: string, change: (t: string) => string): string[] =>
      validateKaldiDir(new Map([...good, [name, change(good.get(name) ?? '')]]))
    const swap = (t: string): string => {
      const lines = t.split('\n')
      ;[lines[0], lines[1]] = [lines[1]!, lines[0]!]
      return lines.join('\n')
    }
    expect(broken('text', swap)).toContain('text is not in sorted order or has duplicates')
    expect(broken('spk2gender', (t) => t.split('\n').slice(1).join('\n'))).toContain(
      'speaker lists of spk2utt and spk2gender differ',
    )
    expect(broken('segments', (t) => t.replace('12.334', '25'))).toContain(
      'segment ravi-utt0005 lies outside recording rec0001',
    )
    expect(broken('text', (t) => t.replace('ravi-utt0005 ठीक है', 'ravi-utt0005'))).toContain(
      'text line 6 has an empty transcript',
    )
    expect(
      broken('utt2spk', (t) => t.replace('amina-utt0001 amina', 'amina-utt0001 zz')),
    ).toContain('utt2spk is not sorted by speaker-id as well')
  })
})

describe('Kaldi data directory reader', () => {
  it('round-trips text, times and speakers', () => {
    const corpus = sampleCorpus()
    const written = writeKaldi(corpus)
    const { corpus: back } = readKaldiDir(kaldiFiles(filesOf(written)), 'data/train')
    const expected = corpus.utterances
      .filter((u) => u.text)
      .map((u) => ({ ...u, text: u.text.replace(/\s+/g, ' ') }))
    expect(comparable(back.utterances)).toEqual(comparable(expected))
    expect(back.speakers).toEqual([
      { code: 'amina', gender: 'female', ageBand: null, dialect: null, firstLanguage: null },
      { code: 'ravi', gender: 'male', ageBand: null, dialect: null, firstLanguage: null },
    ])
    expect(back.recordings).toEqual([
      { id: 'rec0001', audioPath: 'audio/rec0001.wav', durationSec: 20, speaker: null },
      { id: 'rec0002', audioPath: 'audio/rec0002.wav', durationSec: 10, speaker: 'amina' },
    ])
  })

  it('reads a directory without segments as one untimed utterance per file', () => {
    const { corpus, notes } = readKaldiDir(
      {
        text: 'spk1-a hello\nspk1-b\n',
        utt2spk: 'spk1-a spk1\nspk1-b spk1\n',
        'wav.scp': 'spk1-a a.wav\nspk1-b sox b.flac -t wav - |\n',
        utt2dur: 'spk1-a 2.5\n',
      },
      'd',
    )
    expect(
      corpus.utterances.map((u) => [u.id, u.start, u.end, u.text, u.untimed ?? false]),
    ).toEqual([
      ['spk1-a', 0, 2.5, 'hello', false],
      ['spk1-b', 0, 0, '', true],
    ])
    expect(notes.join(' ')).toMatch(
      /1 utterance\(s\) have no times.*1 wav.scp entr\(ies\) are commands/,
    )
  })

  it.each([
    [
      'a text line for an utterance missing from utt2spk',
      {
        text: 'spk-a hi\nspk-b there\n',
        utt2spk: 'spk-a spk\n',
        'wav.scp': 'spk-a a.wav\nspk-b b.wav\n',
      },
      'data/x/text, line 2, column 1: utterance "spk-b" is not in utt2spk.',
    ],
    [
      'segments with the end before the start',
      { text: 'u hi\n', utt2spk: 'u s\n', 'wav.scp': 'r r.wav\n', segments: 'u r 2.0 1.5\n' },
      'data/x/segments, line 1, column 9: the end 1.5 is not after the start 2.0.',
    ],
    [
      'segments with a bad number',
      { text: 'u hi\n', utt2spk: 'u s\n', 'wav.scp': 'r r.wav\n', segments: 'u r 1,5 2\n' },
      'data/x/segments, line 1, column 5: "1,5" is not a time in seconds.',
    ],
    [
      'a segment naming a recording missing from wav.scp',
      { text: 'u hi\n', utt2spk: 'u s\n', 'wav.scp': 'r r.wav\n', segments: 'u q 1 2\n' },
      'data/x/segments, line 1, column 3: recording "q" is not in wav.scp.',
    ],
    [
      'a duplicate utterance',
      { text: 'u hi\nu again\n', utt2spk: 'u s\n', 'wav.scp': 'u r.wav\n' },
      'data/x/text, line 2, column 1: "u" appears twice (first on line 1).',
    ],
    [
      'an spk2gender value other than m or f',
      { text: 'u hi\n', utt2spk: 'u s\n', 'wav.scp': 'u r.wav\n', spk2gender: 's x\n' },
      'data/x/spk2gender, line 1, column 3: expected m or f, found "x".',
    ],
  ])('refuses %s with file, line and column', (_, files, message) => {
    expect(() => readKaldiDir(files as KaldiFiles, 'data/x')).toThrow(message)
  })
})
