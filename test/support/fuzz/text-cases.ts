/**
 * Malformed annotation and manifest files for the fuzz suite: one valid seed per format (each
 * beside a real 1.5 s clip, a.wav), and mutations that lie (bad encodings, control bytes, the
 * API's limits crossed, counts and times that do not hold, structure cut short) or only add
 * noise (a flipped byte in a word, which is still text).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { formatFixtures } from '../fixtures'
import { type FuzzCase, latin1, type Random, scramble, text } from './random'

interface Mutation {
  name: string
  lies: boolean
  /** The new content of the seed's main file, or of the file named by `file`. */
  content: Uint8Array
  file?: string
}

/** Where a format's readers look for the audio named "a.wav". */
const audioPath = (kind: string): string =>
  kind.startsWith('Kaldi')
    ? 'kaldi/a.wav'
    : kind.startsWith('Common Voice')
      ? 'clips/a.wav'
      : 'a.wav'

/** Each format has audio of its own (named a.wav whatever it holds), so no seed meets another's. */
const audio = (name: string): Uint8Array => new Uint8Array(readFileSync(join(formatFixtures, name)))

const huge = (n: number): string => 'maneno '.repeat(Math.ceil(n / 7)).slice(0, n)
const badCode = (r: Random): string => r.pick(['../../x y', 'a/b', '..', 'x'.repeat(100_000)])

/** Generic mutations of any text seed. */
function common(r: Random, seed: string, word: string): (() => Mutation)[] {
  const at = seed.indexOf(word)
  return [
    () => ({
      name: 'a Latin-1 "é" in a word',
      lies: true,
      content: Buffer.concat([
        latin1(seed.slice(0, at)),
        latin1('caf\u00e9 '),
        latin1(seed.slice(at)),
      ]),
    }),
    () => {
      const c = r.pick(['\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\u0085'])
      return {
        name: `control character U+${c.charCodeAt(0).toString(16)} in a word`,
        lies: true,
        content: text(seed.slice(0, at) + c + seed.slice(at)),
      }
    },
    () => ({
      name: 'a transcript of 500,000 characters',
      lies: true,
      content: text(seed.replace(word, huge(500_000))),
    }),
    () => ({
      name: 'a transcript of 20,001 characters',
      lies: true,
      content: text(seed.replace(word, huge(20_001))),
    }),
    () => {
      const bytes = text(seed)
      const cut = r.int(1, bytes.length - 2)
      return { name: `cut at byte ${cut}`, lies: false, content: bytes.slice(0, cut) }
    },
    () => {
      const bytes = text(seed)
      const p = r.int(at, at + word.length)
      // Letters of a word changed: still a word. The bytes may no longer be UTF-8, which lies.
      const out = scramble(r, bytes, p, 1)
      const lies = out[p]! >= 0x80 || out[p]! < 0x20 || out[p] === 0x7f
      return { name: `byte ${p} of a word changed`, lies, content: out }
    },
    () => ({
      name: 'random bytes',
      lies: true,
      content: Uint8Array.from({ length: r.int(1, 400) }, () => r.int(0, 256)),
    }),
  ]
}

const eafSeed = (value2 = 'nzuri sana', participant = 'Juma', t3 = '1400', t1 = '0') =>
  `<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0"><HEADER TIME_UNITS="milliseconds"><MEDIA_DESCRIPTOR MEDIA_URL="file:///a.wav" RELATIVE_MEDIA_URL="./a.wav"/></HEADER>
<TIME_ORDER><TIME_SLOT TIME_SLOT_ID="t1" TIME_VALUE="${t1}"/><TIME_SLOT TIME_SLOT_ID="t2" TIME_VALUE="700"/><TIME_SLOT TIME_SLOT_ID="t3" TIME_VALUE="${t3}"/></TIME_ORDER>
<TIER LINGUISTIC_TYPE_REF="ut" TIER_ID="Juma" PARTICIPANT="${participant}"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="t1" TIME_SLOT_REF2="t2"><ANNOTATION_VALUE>habari yako</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="t2" TIME_SLOT_REF2="t3"><ANNOTATION_VALUE>${value2}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>
<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="ut" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>
`

function eaf(r: Random): Mutation {
  const seed = eafSeed()
  return r.pick([
    ...common(r, seed, 'nzuri'),
    () => ({
      name: 'a speaker code that escapes its folder',
      lies: true,
      content: text(eafSeed(undefined, badCode(r).replace(/"/g, ''))),
    }),
    () => ({
      name: 'a negative time',
      lies: true,
      content: text(eafSeed(undefined, undefined, undefined, '-500')),
    }),
    () => ({
      name: 'a time that is not a number',
      lies: true,
      content: text(eafSeed(undefined, undefined, r.pick(['abc', '1e309', 'NaN']))),
    }),
    () => ({
      name: 'an utterance ending past the audio',
      lies: true,
      content: text(eafSeed(undefined, undefined, '9000')),
    }),
    () => ({
      name: 'a missing time slot',
      lies: true,
      content: text(seed.replace('TIME_SLOT_REF2="t3"', 'TIME_SLOT_REF2="t9"')),
    }),
    () => ({
      name: 'an undefined tier type',
      lies: true,
      content: text(seed.replace('LINGUISTIC_TYPE_REF="ut"', 'LINGUISTIC_TYPE_REF="zz"')),
    }),
    () => ({
      name: 'a missing closing tag',
      lies: true,
      content: text(seed.replace('</TIER>', '')),
    }),
    () => ({
      name: 'a duplicated annotation id',
      lies: true,
      content: text(seed.replace('ANNOTATION_ID="a2"', 'ANNOTATION_ID="a1"')),
    }),
    () => ({
      name: 'cut inside the document',
      lies: true,
      content: text(seed.slice(0, r.int(40, seed.length - 30))),
    }),
  ])()
}

const gridSeed = (
  declared = 2,
  tiers = 1,
  name = 'Juma',
  xmin1 = '0',
  label = 'yako',
  end2 = '1.4',
) =>
  `File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n1.5\n<exists>\n${tiers}\n"IntervalTier"\n"${name}"\n0\n1.5\n${declared}\n${xmin1}\n0.7\n"habari"\n0.7\n${end2}\n"${label}"\n`

function textGrid(r: Random): Mutation {
  const seed = gridSeed()
  return r.pick([
    ...common(r, seed, 'yako'),
    () => ({ name: 'declares 1 interval, holds 2', lies: true, content: text(gridSeed(1)) }),
    () => ({ name: 'declares 3 intervals, holds 2', lies: true, content: text(gridSeed(3)) }),
    () => ({ name: 'declares 0 tiers, holds 1', lies: true, content: text(gridSeed(2, 0)) }),
    () => ({ name: 'declares 2 tiers, holds 1', lies: true, content: text(gridSeed(2, 2)) }),
    () => ({
      name: 'an interval starting at -0.5 s',
      lies: true,
      content: text(gridSeed(2, 1, 'Juma', '-0.5')),
    }),
    () => ({
      name: 'an interval ending before it starts',
      lies: true,
      content: text(gridSeed(2, 1, 'Juma', '0', 'yako', '0.2')),
    }),
    () => ({
      name: 'a tier name that escapes its folder',
      lies: true,
      content: text(gridSeed(2, 1, badCode(r))),
    }),
    () => ({
      name: 'a string without its closing quote',
      lies: true,
      content: text(seed.replace('"habari"', '"habari')),
    }),
    () => ({
      name: 'a binary TextGrid',
      lies: true,
      content: text(seed.replace('ooTextFile', 'ooBinaryFile')),
    }),
  ])()
}

const manifestSeed = (
  transcript = 'habari yako',
  speaker = 'SPK-1',
  language = 'sw',
  path = 'a.wav',
) => `path\ttranscript\tspeaker\tlanguage\n${path}\t${transcript}\t${speaker}\t${language}\n`

function manifest(r: Random): Mutation {
  const seed = manifestSeed()
  return r.pick([
    ...common(r, seed, 'habari'),
    () => ({
      name: 'a speaker code that escapes its folder',
      lies: true,
      content: text(manifestSeed(undefined, badCode(r))),
    }),
    () => ({
      name: 'a language that is not a tag',
      lies: true,
      content: text(manifestSeed(undefined, undefined, r.pick(['Kiswahili', 'sw_KE!', 'x']))),
    }),
    () => ({
      name: 'a path that does not exist',
      lies: true,
      content: text(manifestSeed(undefined, undefined, undefined, 'missing.wav')),
    }),
    () => ({
      name: 'a header without a path column',
      lies: true,
      content: text(seed.replace('path', 'pth')),
    }),
    () => ({
      name: 'a row with an empty path',
      lies: true,
      content: text(manifestSeed(undefined, undefined, undefined, '')),
    }),
    () => ({
      name: 'a row with a column too many',
      lies: true,
      content: text(seed.trimEnd() + '\textra\n'),
    }),
    () => ({
      name: 'Windows line ends and a byte-order mark',
      lies: false,
      content: text('\uFEFF' + seed.replace(/\n/g, '\r\n')),
    }),
    () => ({
      name: 'a CSV with an unclosed quote',
      lies: true,
      file: 'manifest.csv',
      content: text('path,transcript\na.wav,"habari yako\n'),
    }),
  ])()
}

const csvSeed = (start = '0', end = '0.7', speaker = 'SPK-1', textValue = 'habari yako') =>
  `path,start,end,speaker,text\na.wav,${start},${end},${speaker},${textValue}\na.wav,0.7,1.4,SPK-1,nzuri sana\n`

function annotationCsv(r: Random): Mutation {
  const seed = csvSeed()
  return r.pick([
    ...common(r, seed, 'habari'),
    () => ({ name: 'a start after its end', lies: true, content: text(csvSeed('0.9', '0.2')) }),
    () => ({
      name: 'a time that is not a number',
      lies: true,
      content: text(csvSeed(r.pick(['-1', 'abc', '1,5', '∞']))),
    }),
    () => ({ name: 'a start without an end', lies: true, content: text(csvSeed('0.2', '')) }),
    () => ({
      name: 'an utterance starting after the audio ends',
      lies: true,
      content: text(csvSeed('5', '6')),
    }),
    () => ({
      name: 'an utterance ending past the audio',
      lies: true,
      content: text(csvSeed('1.0', '9')),
    }),
    () => ({
      name: 'a speaker code that escapes its folder',
      lies: true,
      content: text(csvSeed(undefined, undefined, badCode(r).replace(/,/g, ''))),
    }),
  ])()
}

const kaldiFiles = {
  'wav.scp': 'rec1 a.wav\n',
  segments: 'u1 rec1 0 0.7\nu2 rec1 0.7 1.4\n',
  text: 'u1 habari yako\nu2 nzuri sana\n',
  utt2spk: 'u1 s1\nu2 s1\n',
}

function kaldi(r: Random): Mutation {
  const change = (
    file: keyof typeof kaldiFiles,
    content: string | Uint8Array,
    name: string,
    lies = true,
  ): Mutation => ({
    name,
    lies,
    file: `kaldi/${file}`,
    content: typeof content === 'string' ? text(content) : content,
  })
  return r.pick([
    ...common(r, kaldiFiles.text, 'habari').map((m) => () => ({ ...m(), file: 'kaldi/text' })),
    () => change('utt2spk', 'u1 s1\n', 'an utterance without a speaker'),
    () => change('text', 'u1 habari\nu3 ghost\n', 'text for an utterance that does not exist'),
    () =>
      change('segments', 'u1 rec1 0.7 0.1\nu2 rec1 0.7 1.4\n', 'a segment ending before it starts'),
    () =>
      change('segments', 'u1 rec9 0 0.7\nu2 rec1 0.7 1.4\n', 'a segment of an unknown recording'),
    () => change('wav.scp', 'rec1 sox a.wav -t wav - |\n', 'a wav.scp command'),
    () => change('wav.scp', 'rec1 missing.wav\n', 'a recording that does not exist'),
    () =>
      change(
        'utt2spk',
        `u1 ${r.pick(['..', 'x'.repeat(100_000)])}\nu2 s1\n`,
        'a speaker code that escapes its folder',
      ),
    () => change('text', 'u1 habari\nu1 yako\nu2 nzuri\n', 'an utterance twice'),
    () => change('utt2spk', ' u1 s1\nu2 s1\n', 'a line starting with whitespace'),
  ])()
}

const cvSeed = (sentence = 'habari yako', client = 'c0ffee', locale = 'sw', path = 'a.wav') =>
  `client_id\tpath\tsentence\tup_votes\tdown_votes\tage\tgender\taccent\tlocale\n${client}\t${path}\t${sentence}\t2\t0\tthirties\tfemale\t\t${locale}\n`

function commonVoice(r: Random): Mutation {
  const seed = cvSeed()
  return r.pick([
    ...common(r, seed, 'habari'),
    () => ({
      name: 'a client id that escapes its folder',
      lies: true,
      content: text(cvSeed(undefined, badCode(r))),
    }),
    () => ({
      name: 'a locale that is not a tag',
      lies: true,
      content: text(cvSeed(undefined, undefined, 'Kiswahili')),
    }),
    () => ({
      name: 'a clip that does not exist',
      lies: true,
      content: text(cvSeed(undefined, undefined, undefined, 'missing.mp3')),
    }),
    () => ({
      name: 'votes that are not numbers',
      lies: true,
      content: text(seed.replace('\t2\t0\t', '\ttwo\t0\t')),
    }),
    () => ({
      name: 'a header without the sentence column',
      lies: true,
      content: text(seed.replace('sentence', 'sentense')),
    }),
  ])()
}

const formats: {
  kind: string
  entry: string
  files: Record<string, string>
  /** The fixture behind a.wav. */
  audio: string
  mutate: (r: Random) => Mutation
}[] = [
  {
    audio: 's16.wav',
    kind: 'ELAN .eaf',
    entry: 'a.eaf',
    files: { 'a.eaf': eafSeed() },
    mutate: eaf,
  },
  {
    audio: 'u8.wav',
    kind: 'Praat TextGrid',
    entry: 'a.TextGrid',
    files: { 'a.TextGrid': gridSeed() },
    mutate: textGrid,
  },
  {
    audio: 'f32.wav',
    kind: 'import manifest (TSV/CSV)',
    entry: 'manifest.tsv',
    files: { 'manifest.tsv': manifestSeed() },
    mutate: manifest,
  },
  {
    audio: 'clip.flac',
    kind: 'annotation CSV',
    entry: 'a.csv',
    files: { 'a.csv': csvSeed() },
    mutate: annotationCsv,
  },
  {
    audio: 'clip.ogg',
    kind: 'Kaldi data folder',
    entry: 'kaldi',
    files: Object.fromEntries(Object.entries(kaldiFiles).map(([k, v]) => [`kaldi/${k}`, v])),
    mutate: kaldi,
  },
  {
    audio: 'clip.mp3',
    kind: 'Common Voice TSV',
    entry: 'validated.tsv',
    files: { 'validated.tsv': cvSeed() },
    mutate: commonVoice,
  },
]

export const textKinds = formats.map((f) => f.kind)

/** The unmutated seed of each format, which must import cleanly (the suite checks it first). */
export function textSeeds(): FuzzCase[] {
  return formats.map((f) => ({
    kind: f.kind,
    name: 'the seed, unchanged',
    lies: false,
    entry: f.entry,
    files: [
      ...Object.entries(f.files).map(([path, s]) => ({ path, bytes: text(s) })),
      { path: audioPath(f.kind), bytes: audio(f.audio) },
    ],
  }))
}

/** `count` cases of each text format. */
export function textCases(r: Random, count: number): FuzzCase[] {
  const cases: FuzzCase[] = []
  for (const f of formats)
    for (let i = 0; i < count; i++) {
      const m = f.mutate(r)
      const mainFile = Object.keys(f.files)[f.kind.startsWith('Kaldi') ? 2 : 0]!
      const target = m.file ?? mainFile
      const files = Object.entries(f.files).map(([path, s]) => ({
        path,
        bytes: path === target ? m.content : text(s),
      }))
      if (!files.some((x) => x.path === target)) files.push({ path: target, bytes: m.content })
      files.push({
        path: audioPath(f.kind),
        bytes: audio(f.audio),
      })
      const entry = m.file && !f.kind.startsWith('Kaldi') ? m.file : f.entry
      cases.push({ kind: f.kind, name: m.name, lies: m.lies, files, entry })
    }
  return cases
}
