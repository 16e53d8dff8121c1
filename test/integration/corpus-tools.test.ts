import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readTextGrid } from '../../src/main/core/formats/corpus/textgrid-read'
import { writeEaf } from '../../src/main/core/formats/corpus/eaf-write'
import { writeKaldi } from '../../src/main/core/formats/corpus/kaldi-write'
import type { Corpus, OutFile } from '../../src/main/core/formats/corpus/model'
import { writeTextGrid } from '../../src/main/core/formats/corpus/textgrid-write'
import { eafProblems } from '../unit/corpus/eaf-structure'
import { validateKaldiDir } from '../unit/corpus/kaldi-validate'
import {
  comparable,
  sampleCorpus,
  sampleWithTiers,
  textGridTiers,
  textOf,
} from '../unit/corpus/sample'

const fixtures = join(import.meta.dirname, '../fixtures/corpus')
const found = (program: string, args: string[]): boolean =>
  spawnSync(program, args, { encoding: 'utf8' }).error === undefined
const hasPraat = found('praat', ['--version'])
const hasXmllint = found('xmllint', ['--version'])

/** Writes an export's files under a fresh temporary folder, as the exporter will. */
function writeOut(files: OutFile[]): string {
  const root = mkdtempSync(join(tmpdir(), 'sauti-corpus-'))
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true })
    writeFileSync(join(root, f.path), f.content)
  }
  return root
}

/** The sample corpus plus speakers whose order differs between C and natural-language collation. */
function sortingCorpus(): Corpus {
  const corpus = sampleCorpus()
  for (const [i, code] of ['Zed', 'a', 'a.b', 'ä'].entries()) {
    corpus.speakers.push({
      code,
      gender: i % 2 ? 'male' : 'female',
      ageBand: null,
      dialect: null,
      firstLanguage: null,
    })
    corpus.utterances.push({
      id: `Utt${i}`,
      recordingId: 'rec0002',
      speaker: code,
      start: i,
      end: i + 0.5,
      text: `neno ${i}`,
      language: 'sw',
      spans: [],
      words: [],
    })
  }
  return corpus
}

describe.skipIf(!hasPraat)('Praat reads our TextGrids (needs Debian praat)', () => {
  const praat = (...args: string[]): string =>
    execFileSync('praat', ['--run', ...args], { encoding: 'utf8' })

  it('sees the intervals we wrote, tier by tier, project tiers included', () => {
    const { files } = writeTextGrid(sampleWithTiers(), { dir: 'praat' })
    const root = writeOut(files)
    for (const f of files) {
      const printed = praat(join(fixtures, 'dump-textgrid.praat'), join(root, f.path))
        .trimEnd()
        .split('\n')
        .map((line) => {
          const [tier, start, end, label] = line.split('\t')
          return [
            tier,
            Number(start),
            Number(end),
            (label ?? '').replace(/\\t/g, '\t').replace(/\\n/g, '\n'),
          ]
        })
      const written = textGridTiers(textOf(f)).flatMap(([tier, intervals]) =>
        intervals.map(([s, e, text]) => [tier, s, e, text]),
      )
      expect(printed).toHaveLength(written.length)
      printed.forEach((p, i) => {
        const w = written[i] ?? []
        expect([p[0], p[3]]).toEqual([w[0], w[3]])
        expect(Math.abs(Number(p[1]) - Number(w[1]))).toBeLessThan(1e-6)
        expect(Math.abs(Number(p[2]) - Number(w[2]))).toBeLessThan(1e-6)
      })
    }
  })

  it('and what Praat saves (long and short format, UTF-16) reads back with our reader', () => {
    const corpus = sampleCorpus()
    const { files } = writeTextGrid(corpus)
    const root = writeOut(files)
    const back = files.flatMap((f) => {
      const long = join(root, `${f.path}.long.TextGrid`)
      const short = join(root, `${f.path}.short.TextGrid`)
      praat(join(fixtures, 'resave-textgrid.praat'), join(root, f.path), long, short)
      const [longBytes, shortBytes] = [readFileSync(long), readFileSync(short)]
      expect([...longBytes.subarray(0, 2)]).toEqual([0xfe, 0xff])
      expect(shortBytes.toString('utf8')).toMatch(
        /^File type = "ooTextFile"\nObject class = "TextGrid"\n\n0 ?\n/,
      )
      const fromLong = readTextGrid(longBytes, long).corpus.utterances
      expect(comparable(readTextGrid(shortBytes, short).corpus.utterances)).toEqual(
        comparable(fromLong),
      )
      return fromLong
    })
    expect(comparable(back)).toEqual(comparable(corpus.utterances.filter((u) => u.text)))
  })
})

describe.skipIf(!hasXmllint)('xmllint accepts our ELAN files (needs libxml2-utils)', () => {
  it('finds every document well-formed, with the structure ELAN expects', () => {
    const { files } = writeEaf(sampleWithTiers(), {
      dir: 'elan',
      date: new Date('2025-01-02T03:04:05Z'),
    })
    const root = writeOut(files)
    for (const f of files) {
      const run = spawnSync('xmllint', ['--noout', join(root, f.path)], { encoding: 'utf8' })
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      expect(eafProblems(readFileSync(join(root, f.path), 'utf8'))).toEqual([])
    }
  })

  it('and refuses a broken one, so the check can fail', () => {
    const root = writeOut([
      { path: 'bad.eaf', content: '<ANNOTATION_DOCUMENT><TIER></ANNOTATION_DOCUMENT>' },
    ])
    expect(spawnSync('xmllint', ['--noout', join(root, 'bad.eaf')]).status).not.toBe(0)
  })
})

describe('the Kaldi directory on disk', () => {
  const sh = (script: string, dir: string): { status: number | null; stderr: string } =>
    spawnSync('bash', ['-c', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
    })

  it('is sorted as LC_ALL=C sort says, and passes the validate_data_dir.sh checks', () => {
    const result = writeKaldi(sortingCorpus(), { dir: 'data/train' })
    const root = writeOut(result.files)
    const dir = join(root, 'data/train')
    const files = result.files.map((f) => f.path.replace('data/train/', ''))
    expect(files.sort()).toEqual([
      'reco2dur',
      'segments',
      'spk2gender',
      'spk2utt',
      'text',
      'utt2spk',
      'wav.scp',
    ])
    const written = new Map(files.map((name) => [name, readFileSync(join(dir, name), 'utf8')]))
    // "ä" is "_" in Kaldi ids; byte order puts upper case and "_" before lower case.
    expect(written.get('spk2gender')).toBe('Zed f\n_ m\na m\na.b f\namina f\nravi m\n')
    for (const name of files) {
      expect(sh(`sort -c ${name}`, dir)).toMatchObject({ status: 0, stderr: '' })
      expect(sh(`cut -d' ' -f1 ${name} | sort -cu`, dir)).toMatchObject({ status: 0, stderr: '' })
    }
    expect(sh('sort -k2 utt2spk | cmp - utt2spk', dir).status).toBe(0)
    expect(validateKaldiDir(written)).toEqual([])
  })

  it('where sort -c does catch a file in the wrong order', () => {
    const root = writeOut(writeKaldi(sortingCorpus()).files)
    writeFileSync(
      join(root, 'text.reversed'),
      readFileSync(join(root, 'text'), 'utf8').trimEnd().split('\n').reverse().join('\n') + '\n',
    )
    expect(sh('sort -c text.reversed', root).status).not.toBe(0)
    // In a natural-language locale "Zed" sorts after "amina"; Kaldi wants byte order.
    expect(readFileSync(join(root, 'text'), 'utf8').indexOf('Zed-')).toBeLessThan(
      readFileSync(join(root, 'text'), 'utf8').indexOf('amina-'),
    )
  })
})
