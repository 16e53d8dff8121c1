import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readManifest } from '../../src/main/core/formats/manifest'

function file(name: string, text: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sauti-manifest-')), name)
  writeFileSync(path, text)
  return path
}

describe('import manifests', () => {
  it('reads TSV with aliases, relative paths and bare quotes', async () => {
    const path = file(
      'm.tsv',
      'file\tlanguage\tspeaker\tsentence\nclips/a.wav\tsw\tSPK-1\tAlisema "habari"\nb.flac\t\t\t\n',
    )
    const entries = await readManifest(path)
    expect(entries).toEqual([
      {
        audioPath: join(path, '..', 'clips/a.wav'),
        transcript: 'Alisema "habari"',
        speaker: 'SPK-1',
        language: 'sw',
        origin: `${path}:2`,
      },
      {
        audioPath: join(path, '..', 'b.flac'),
        transcript: null,
        speaker: null,
        language: null,
        origin: `${path}:3`,
      },
    ])
  })

  it('reads quoted CSV', async () => {
    const path = file('m.csv', 'path,transcript\n/abs/a.wav,"Hello, world"\n')
    expect((await readManifest(path))[0]).toMatchObject({
      audioPath: '/abs/a.wav',
      transcript: 'Hello, world',
    })
  })

  it('names the file and line of a malformed row', async () => {
    const path = file('bad.csv', 'path,transcript\na.wav,"ok"\nb.wav,"unterminated\n')
    await expect(readManifest(path)).rejects.toThrow(/bad\.csv, line \d+: malformed CSV/)
    const tsv = file('cols.tsv', 'path\ttranscript\na.wav\tone\textra\n')
    await expect(readManifest(tsv)).rejects.toThrow(/cols\.tsv, line 2: malformed TSV/)
  })

  it('says which column is missing', async () => {
    const path = file('nopath.tsv', 'transcript\thello\n')
    await expect(readManifest(path)).rejects.toThrow(
      /nopath\.tsv: the header has no audio path column \(expected one of: path, file/,
    )
  })

  it('refuses a language that is not a tag, with the line', async () => {
    const path = file('lang.tsv', 'path\tlanguage\na.wav\tKiswahili sanifu\n')
    await expect(readManifest(path)).rejects.toThrow(
      'lang.tsv, line 2: "Kiswahili sanifu" is not a language tag (expected e.g. sw, hi, hi-en).',
    )
  })

  it('refuses text that is not UTF-8', async () => {
    const path = file(
      'latin1.tsv',
      Buffer.from([0x70, 0x61, 0x74, 0x68, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]),
    )
    await expect(readManifest(path)).rejects.toThrow(
      /latin1\.tsv: the file is not valid UTF-8 text/,
    )
  })
})
