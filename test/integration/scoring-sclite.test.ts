import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { scoreCodeSwitching, type EvaluatedUtterance } from '../../src/shared/metrics/code-switch'
import type { LanguageSpan } from '../../src/shared/domain'
import type { ErrorCounts } from '../../src/shared/metrics/errors'
import { normalizeWords } from '../../src/shared/text/normalize'

/**
 * Sauti's code-switching scores against NIST sclite (Debian sctk) on the same utterances, in
 * the same run: plain WER on Hindi–English, romanised Hindi and Swahili–English, per speaker
 * group too; and MER on Japanese–English against sclite's own character mode (-c NOASCII).
 */
const direct = '/usr/lib/sctk/bin/sclite'
const sclite: [string, string[]] | null = existsSync(direct)
  ? [direct, []]
  : spawnSync('sctk', ['sclite'], { encoding: 'utf8' }).error === undefined
    ? ['sctk', ['sclite']]
    : null

const dir = mkdtempSync(join(tmpdir(), 'sauti-cs-sclite-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface ScliteRow {
  words: number
  corr: number
  sub: number
  del: number
  ins: number
}

/**
 * sclite's raw counts ("rsum"): one row per speaker (the id before "_") and the Sum row. The
 * files hold the normalised words, because sclite does not normalise: what is compared is the
 * alignment and the counting, and in character mode its own splitting.
 */
function runSclite(
  name: string,
  utterances: readonly EvaluatedUtterance[],
  extra: string[] = [],
): Map<string, ScliteRow> {
  const trn = (text: (u: EvaluatedUtterance) => string): string =>
    utterances.map((u) => `${normalizeWords(text(u)).join(' ')} (${u.id})\n`).join('')
  const ref = join(dir, `${name}.ref.trn`)
  const hyp = join(dir, `${name}.hyp.trn`)
  writeFileSync(
    ref,
    trn((u) => u.reference),
  )
  writeFileSync(
    hyp,
    trn((u) => u.hypothesis),
  )
  const [command, prefix] = sclite!
  const args = [...prefix, '-r', ref, 'trn', '-h', hyp, 'trn', '-i', 'spu_id', '-e', 'utf-8']
  const report = execFileSync(command, [...args, ...extra, '-o', 'rsum', 'stdout'], {
    encoding: 'utf8',
  })
  const rows = new Map<string, ScliteRow>()
  for (const line of report.split('\n')) {
    // | SPKR | # Snt # Wrd | Corr Sub Del Ins Err S.Err |
    const cells = line.split('|').map((c) => c.trim())
    if (cells.length < 4 || !/^\d/.test(cells[2] ?? '')) continue
    const [, words] = cells[2]!.split(/\s+/).map(Number)
    const [corr, sub, del, ins] = cells[3]!.split(/\s+/).map(Number)
    rows.set(cells[1]!, { words: words!, corr: corr!, sub: sub!, del: del!, ins: ins! })
  }
  if (!rows.has('Sum')) throw new Error(`no Sum row in sclite's report:\n${report}`)
  return rows
}

const ours = (c: ErrorCounts): ScliteRow => ({
  words: c.n,
  corr: c.hits,
  sub: c.substitutions,
  del: c.deletions,
  ins: c.insertions,
})

const en = (start: number, end = start + 1): LanguageSpan => ({
  start,
  end,
  lang: 'en',
})

/** Two dialect groups of speakers; the id's prefix is sclite's speaker, the dialect ours. */
// prettier-ignore
const rows: [id: string, reference: string, hypothesis: string, spans: LanguageSpan[]][] = [
  ['coastal_u1', 'मुझे कल office जाना है।', 'मुझे कल ऑफिस जाना है', [en(2)]],
  ['coastal_u2', 'Meeting के बाद हम lunch करेंगे', 'meeting के बाद lunch करेंगे ना', [en(0), en(4)]],
  ['coastal_u3', 'nitakuja kesho morning, kama kawaida', 'nitakuja kesho mornings kama kawaida sana', [en(2)]],
  ['coastal_u4', 'yaar yeh project bahut important hai', 'yar yeh project bahut important hai', [en(2), en(4)]],
  ['inland_u1', 'leo ni holiday kwa hivyo tunapumzika', 'leo ni holiday hivyo tunapumzika', [en(2)]],
  ['inland_u2', 'please मुझे report भेज दो', 'please मुझे रिपोर्ट भेज दो दो', [en(0), en(2)]],
  ['inland_u3', 'सब ठीक है', '', []],
  ['inland_u4', 'the deadline is kal subah', 'the dead line is kal subha', [en(0, 3)]],
]
const codeSwitched: EvaluatedUtterance[] = rows.map(([id, reference, hypothesis, spans]) => ({
  id,
  reference,
  hypothesis,
  spans,
  group: { dialect: id.split('_')[0]! },
}))

const japanese: EvaluatedUtterance[] = [
  { id: 'ja_u1', reference: '私は office に行きます', hypothesis: '私が offices に行きました' },
  {
    id: 'ja_u2',
    reference: '明日 the meeting があります。',
    hypothesis: '明日 meeting が あります ね',
  },
  {
    id: 'ja_u3',
    reference: 'コーヒーを two cups ください',
    hypothesis: 'コーヒー を to cups ください',
  },
]

describe.skipIf(!sclite)('code-switching scores against NIST sclite', () => {
  it('gives the same N, S, D and I as sclite for plain WER on a code-switched set', () => {
    const report = scoreCodeSwitching(codeSwitched, { matrixLanguage: 'hi' })
    const expected = runSclite('cs', codeSwitched)
    expect(ours(report.wer)).toEqual(expected.get('Sum'))
    // Not a vacuous set: every kind of error occurs.
    expect(report.wer.substitutions * report.wer.deletions * report.wer.insertions).toBeGreaterThan(
      0,
    )
    // Per dialect, as sclite's per-speaker rows.
    for (const dialect of ['coastal', 'inland']) {
      const row = report.byGroup.find((g) => g.attribute === 'dialect' && g.value === dialect)
      expect(ours(row!.wer)).toEqual(expected.get(dialect))
    }
  })

  it('gives the same MER as sclite’s character mode on Japanese mixed with English', () => {
    const report = scoreCodeSwitching(japanese, { matrixLanguage: 'ja' })
    const expected = runSclite('ja', japanese, ['-c', 'NOASCII'])
    expect(ours(report.mer)).toEqual(expected.get('Sum'))
    expect(report.mer.n).toBe(28)
  })
})
