import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appRoot } from '../support/fixtures'

const librivox = '/usr/share/pocketsphinx/test/data/librivox'
const hasData =
  existsSync(join(librivox, 'transcription')) && existsSync(join(librivox, 'test-lm.match'))
const hasSclite = spawnSync('sctk', ['sclite'], { encoding: 'utf8' }).error === undefined
const why = !hasData
  ? 'needs Debian pocketsphinx-testdata'
  : !hasSclite
    ? 'needs Debian sctk (NIST sclite)'
    : 'data and sclite present'

/** sclite's own figures for the same files: the "Sum/Avg" row of its summary report. */
function sclite(ref: string, hyp: string): { sub: number; del: number; ins: number; err: number } {
  const dir = mkdtempSync(join(tmpdir(), 'sauti-sclite-'))
  // sclite takes the files as they are, less the sentence markers and decoder scores that
  // `sauti evaluate` also ignores, and with a final newline: without one (as the Debian
  // transcription file ships) sclite misreads the last utterance.
  const lines = (file: string): string => readFileSync(file, 'utf8').trimEnd() + '\n'
  writeFileSync(join(dir, 'ref.trn'), lines(ref).replace(/<\/?s> ?/g, ''))
  writeFileSync(join(dir, 'hyp.trn'), lines(hyp).replace(/\((\S+)\s+-?\d+\)$/gm, '($1)'))
  const report = execFileSync(
    'sctk',
    [
      'sclite',
      '-r',
      join(dir, 'ref.trn'),
      'trn',
      '-h',
      join(dir, 'hyp.trn'),
      'trn',
      '-i',
      'rm',
      '-o',
      'sum',
      'stdout',
    ],
    { encoding: 'utf8' },
  )
  const row = report.split('\n').find((l) => l.includes('Sum/Avg'))
  if (!row) throw new Error(`no Sum/Avg row in sclite's report:\n${report}`)
  // | Sum/Avg | # Snt # Wrd | Corr Sub Del Ins Err S.Err |
  const [, sub, del, ins, err] = row.split('|')[3]!.trim().split(/\s+/).map(Number) as number[]
  return { sub: sub!, del: del!, ins: ins!, err: err! }
}

describe.skipIf(!hasData || !hasSclite)(`sauti evaluate against NIST sclite (${why})`, () => {
  it('gives the same WER as sclite on a real recogniser’s output', () => {
    const ref = join(librivox, 'transcription')
    const hyp = join(librivox, 'test-lm.match')
    const expected = sclite(ref, hyp)
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(appRoot, 'src/main/hosts/cli.ts'),
        '--json',
        'evaluate',
        '--ref',
        ref,
        '--hyp',
        hyp,
      ],
      { encoding: 'utf8', cwd: appRoot },
    )
    expect(run.status).toBe(0)
    const ours = JSON.parse(run.stdout) as {
      wer: number
      words: { n: number; substitutions: number; deletions: number; insertions: number }
    }
    expect(Number((ours.wer * 100).toFixed(1))).toBe(expected.err)
    const pct = (x: number): number => Number(((x / ours.words.n) * 100).toFixed(1))
    expect([
      pct(ours.words.substitutions),
      pct(ours.words.deletions),
      pct(ours.words.insertions),
    ]).toEqual([expected.sub, expected.del, expected.ins])
  })
})
