import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readAnnotation } from '../../src/main/core/corpus-import/read-annotation'
import { readTextGrid } from '../../src/main/core/formats/corpus/textgrid-read'
import { readManifest } from '../../src/main/core/formats/manifest'
import { decodeUserText, firstInvalidUtf8 } from '../../src/main/core/formats/text-gate'

const dir = mkdtempSync(join(tmpdir(), 'sauti-text-gate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const put = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, content)
  return path
}
const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1')
put('a.wav', 'RIFF')

describe('the text gate', () => {
  it('finds the first invalid UTF-8 sequence, and only that', () => {
    expect(firstInvalidUtf8(Buffer.from('café ✓ 𝄞'))).toBe(-1)
    expect(firstInvalidUtf8(latin1('caf\u00e9'))).toBe(3)
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0xaf]))).toBe(0) // overlong "/"
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0) // a surrogate
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1) // cut short
  })

  it('refuses Latin-1 Common Voice and Kaldi text with the line and byte, never as mojibake', async () => {
    const cv = put(
      'cv/validated.tsv',
      latin1('client_id\tpath\tsentence\nc1\ta.wav\tcaf\u00e9 noir\n'),
    )
    put('cv/a.wav', 'RIFF')
    await expect(readAnnotation(cv, {})).rejects.toThrow(
      /validated\.tsv: the file is not valid UTF-8 text: line 2, byte 13 \(bytes 0xE9/,
    )
    put('kaldi/wav.scp', 'u1 a.wav\n')
    put('kaldi/utt2spk', 'u1 s1\n')
    put('kaldi/a.wav', 'RIFF')
    put('kaldi/text', latin1('u1 na\u00efve\n'))
    await expect(readAnnotation(join(dir, 'kaldi'), {})).rejects.toThrow(
      /kaldi\/text: the file is not valid UTF-8 text: line 1, byte 6/,
    )
  })

  it('refuses NUL and other control bytes from manifests, naming line and column', async () => {
    const tsv = put('nul.tsv', 'path\ttranscript\na.wav\thab\u0000ari\n')
    await expect(readManifest(tsv)).rejects.toThrow(
      /nul\.tsv, line 2, column 10: the control character U\+0000 is not text/,
    )
    expect(() => decodeUserText('ok\u001b[31m', 'x.txt')).toThrow(/U\+001B/)
  })

  it('holds manifests to the API limits: transcript length and speaker codes', async () => {
    const long = put('long.tsv', `path\ttranscript\na.wav\t${'a'.repeat(20_001)}\n`)
    await expect(readManifest(long)).rejects.toThrow(
      /long\.tsv, line 2: "a{57}…" is longer than 20,000 characters, the most a transcript may have\./,
    )
    for (const code of ['../../x', 'x'.repeat(100_000), '..'])
      await expect(readManifest(put('spk.tsv', `path\tspeaker\na.wav\t${code}\n`))).rejects.toThrow(
        /spk\.tsv, line 2: ".*" is not a speaker code/,
      )
  })

  it('holds annotation files to the same limits: a 500 KB ELAN value is refused', async () => {
    const value = 'maneno '.repeat(75_000)
    const eaf = put(
      'big/a.eaf',
      `<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0"><HEADER TIME_UNITS="milliseconds"><MEDIA_DESCRIPTOR MEDIA_URL="file:///a.wav" RELATIVE_MEDIA_URL="./a.wav"/></HEADER>
<TIME_ORDER><TIME_SLOT TIME_SLOT_ID="t1" TIME_VALUE="0"/><TIME_SLOT TIME_SLOT_ID="t2" TIME_VALUE="900"/></TIME_ORDER>
<TIER LINGUISTIC_TYPE_REF="ut" TIER_ID="Juma"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="t1" TIME_SLOT_REF2="t2"><ANNOTATION_VALUE>${value}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>
<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="ut" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>`,
    )
    put('big/a.wav', 'RIFF')
    await expect(readAnnotation(eaf, {})).rejects.toThrow(
      /a\.eaf: utterance ".*": ".*" is longer than 20,000 characters/,
    )
  })

  it('stores tier names as speaker codes with "_" for spaces, and says so', async () => {
    const grid = put(
      'tg/a.TextGrid',
      'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n1\n<exists>\n1\n"IntervalTier"\n"Speaker A"\n0\n1\n1\n0\n1\n"habari"\n',
    )
    put('tg/a.wav', 'RIFF')
    const read = await readAnnotation(grid, {})
    expect(read.corpus.utterances[0]?.speaker).toBe('Speaker_A')
    expect(read.notes.join('\n')).toMatch(/speaker "Speaker A" is stored as "Speaker_A"/)
  })

  it('refuses a TextGrid that declares fewer intervals or tiers than it holds', () => {
    const head = 'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n2\n<exists>\n'
    const tier = '"IntervalTier"\n"Juma"\n0\n2\n1\n0\n1\n"habari"\n1\n2\n"yako"\n'
    expect(() => readTextGrid(`${head}1\n${tier}`, 'one.TextGrid')).toThrow(
      /one\.TextGrid, line 15, column 1: tier "Juma" declares 1 intervals, but more follow\./,
    )
    const single = '"IntervalTier"\n"Juma"\n0\n2\n1\n0\n2\n"habari"\n'
    expect(() => readTextGrid(`${head}1\n${single}${single}`, 'two.TextGrid')).toThrow(
      /the file declares 1 tiers, but more follow/,
    )
  })
})
