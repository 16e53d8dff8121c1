import type { LanguageSpan } from '../domain'
import { tokensWithLanguage, type LanguageToken } from '../text/language-spans'
import {
  normalizeChars,
  normalizeWords,
  scoringDefaults,
  type NormalizationRules,
} from '../text/normalize'
import { comparisonKey } from '../text/phonetic-key'
import { tokenScript } from '../text/script'
import { mixedUnits } from '../text/segment'
import { attribute, countAt, type AttributedAlignment } from './attribution'
import {
  addCounts,
  align,
  countsOnly,
  errorRate,
  noErrors,
  withRate,
  type ErrorCounts,
} from './errors'

/**
 * Scores for code-switched speech (docs/metrics.md): WER, CER, MER, transliteration-normalised
 * WER and PIER, overall and per utterance, broken down by language, by switch type and by
 * speaker group. Counts are summed over utterances before any rate is taken.
 */
export interface EvaluatedUtterance {
  id: string
  reference: string
  hypothesis: string
  /** Language spans over the reference's typed words; words outside every span are in the matrix language. */
  spans?: readonly LanguageSpan[]
  /** Speaker attributes to break the scores down by: dialect, gender, ageBand, firstLanguage, … */
  group?: Readonly<Record<string, string>>
}

export interface CodeSwitchOptions {
  rules?: NormalizationRules
  /** The matrix (default) language; PIER's points of interest are the words in any other. */
  matrixLanguage: string
  /** Also count the words on either side of a language switch as points of interest (default true). */
  switchPoints?: boolean
  /** Transliteration-normalised WER compares keys only between different scripts (default), or always. */
  transliteration?: 'cross-script' | 'always'
  /** Tokens for PIER and the switch breakdown: words (default), or MER units for Han/kana/Thai text. */
  units?: 'words' | 'mixed'
}

export interface Rate extends ErrorCounts {
  /** (S + D + I) / N, as errorRate. */
  rate: number
}

export interface PierRate extends ErrorCounts {
  /** Null when the utterances have no point of interest. */
  rate: number | null
}

export interface CodeSwitchScores {
  utterances: number
  wer: Rate
  cer: Rate
  mer: Rate
  translitWer: Rate
  pier: PierRate
}

/** One language's reference tokens; the rows of each metric add up to its total. */
export interface LanguageRow {
  lang: string
  wer: Rate
  mer: Rate
  translitWer: Rate
}

/** The tokens on either side of the switches of one type ("hi→en"); rows may share a token. */
export interface SwitchRow {
  type: string
  from: string
  to: string
  switches: number
  errors: Rate
}

/** The utterances whose speakers have one value of one attribute (or none: "(none)"). */
export interface GroupRow extends CodeSwitchScores {
  attribute: string
  value: string
}

export interface CodeSwitchReport extends CodeSwitchScores {
  perUtterance: (CodeSwitchScores & { id: string })[]
  byLanguage: LanguageRow[]
  bySwitch: SwitchRow[]
  byGroup: GroupRow[]
}

export const NO_GROUP = '(none)'

interface LanguageCounts {
  wer: ErrorCounts
  mer: ErrorCounts
  translit: ErrorCounts
}

/** What the scores are taken from: counts, summed over utterances before any rate is taken. */
export interface CodeSwitchCounts {
  utterances: number
  wer: ErrorCounts
  cer: ErrorCounts
  mer: ErrorCounts
  translit: ErrorCounts
  pier: ErrorCounts
  languages: Map<string, LanguageCounts>
  switches: Map<string, { from: string; to: string; switches: number; errors: ErrorCounts }>
}
type Counts = CodeSwitchCounts

export function scoreCodeSwitching(
  utterances: readonly EvaluatedUtterance[],
  options: CodeSwitchOptions,
): CodeSwitchReport {
  const same = transliterationMatch(options.transliteration ?? 'cross-script')
  const each = utterances.map((u) => ({ u, counts: countUtterance(u, options, same) }))
  const total = sum(each.map((e) => e.counts))
  const attributes = [...new Set(utterances.flatMap((u) => Object.keys(u.group ?? {})))].sort()
  const byGroup = attributes.flatMap((attribute) => {
    const valueOf = (u: EvaluatedUtterance): string => u.group?.[attribute] ?? NO_GROUP
    const values = [...new Set(utterances.map(valueOf))].sort()
    return values.map((value) => ({
      attribute,
      value,
      ...scores(sum(each.filter((e) => valueOf(e.u) === value).map((e) => e.counts))),
    }))
  })
  return {
    ...scores(total),
    perUtterance: each.map((e) => ({ id: e.u.id, ...scores(e.counts) })),
    ...breakdowns(total),
    byGroup,
  }
}

/** The language and switch rows of summed counts, in key order. */
export function breakdowns(total: Counts): Pick<CodeSwitchReport, 'byLanguage' | 'bySwitch'> {
  return {
    byLanguage: [...total.languages]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([lang, c]) => ({
        lang,
        wer: withRate(c.wer),
        mer: withRate(c.mer),
        translitWer: withRate(c.translit),
      })),
    bySwitch: [...total.switches]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, s]) => ({
        type,
        from: s.from,
        to: s.to,
        switches: s.switches,
        errors: withRate(s.errors),
      })),
  }
}

/** MER over the utterances (docs/metrics.md). */
export function mixedErrorRate(
  utterances: readonly EvaluatedUtterance[],
  rules: NormalizationRules = scoringDefaults,
): Rate {
  return scoreCodeSwitching(utterances, { rules, matrixLanguage: 'und' }).mer
}

/** WER with words compared by their transliteration keys (docs/metrics.md). */
export function transliteratedWordErrorRate(
  utterances: readonly EvaluatedUtterance[],
  rules: NormalizationRules = scoringDefaults,
  transliteration: CodeSwitchOptions['transliteration'] = 'cross-script',
): Rate {
  return scoreCodeSwitching(utterances, { rules, matrixLanguage: 'und', transliteration })
    .translitWer
}

/** PIER over the utterances (docs/metrics.md). */
export function pointOfInterestErrorRate(
  utterances: readonly EvaluatedUtterance[],
  options: CodeSwitchOptions,
): PierRate {
  return scoreCodeSwitching(utterances, options).pier
}

type Match = (ref: string, hyp: string) => boolean

/** Tokens match when equal, or when their scripts differ (unless 'always') and their keys agree. */
function transliterationMatch(mode: 'cross-script' | 'always'): Match {
  const seen = new Map<string, { script: string; key: string }>()
  const info = (token: string): { script: string; key: string } => {
    let i = seen.get(token)
    if (!i) seen.set(token, (i = { script: tokenScript(token), key: comparisonKey(token) }))
    return i
  }
  return (ref, hyp) => {
    if (ref === hyp) return true
    const r = info(ref)
    const h = info(hyp)
    return (mode === 'always' || r.script !== h.script) && r.key === h.key
  }
}

function countUtterance(u: EvaluatedUtterance, o: CodeSwitchOptions, same: Match): Counts {
  const rules = o.rules ?? scoringDefaults
  const matrix = o.matrixLanguage
  const normalised = (text: string): string[] => normalizeWords(text, rules)
  const unitsOf = (text: string): string[] => normalised(text).flatMap(mixedUnits)
  const refWords = tokensWithLanguage(u.reference, u.spans ?? [], matrix, normalised)
  const refUnits = tokensWithLanguage(u.reference, u.spans ?? [], matrix, unitsOf)
  const hypWords = normalised(u.hypothesis)
  const w = align(tokens(refWords), hypWords)
  const t = align(tokens(refWords), hypWords, same)
  const m = align(tokens(refUnits), unitsOf(u.hypothesis))
  const c = align(normalizeChars(u.reference, rules), normalizeChars(u.hypothesis, rules))
  const attributed = { wer: attribute(w), translit: attribute(t), mer: attribute(m) }

  const languages = new Map<string, LanguageCounts>()
  for (const [metric, refTokens] of [
    ['wer', refWords],
    ['translit', refWords],
    ['mer', refUnits],
  ] as const) {
    const a = attributed[metric]
    for (const [lang, positions] of positionsBy(refTokens, (x) => x.lang)) {
      const row = languages.get(lang) ?? { wer: noErrors, mer: noErrors, translit: noErrors }
      languages.set(lang, { ...row, [metric]: addCounts(row[metric], countAt(a, positions)) })
    }
    if (a.unattributed > 0) {
      // Insertions into an empty reference: in the matrix language, so the rows add up.
      const row = languages.get(matrix) ?? { wer: noErrors, mer: noErrors, translit: noErrors }
      const extra = { ...noErrors, insertions: a.unattributed }
      languages.set(matrix, { ...row, [metric]: addCounts(row[metric], extra) })
    }
  }

  const [pierTokens, pierAlignment] =
    o.units === 'mixed' ? [refUnits, attributed.mer] : [refWords, attributed.wer]
  const { pier, switches } = pointsOfInterest(pierTokens, pierAlignment, o)
  return {
    utterances: 1,
    wer: countsOnly(w),
    cer: countsOnly(c),
    mer: countsOnly(m),
    translit: countsOnly(t),
    pier,
    languages,
    switches,
  }
}

/**
 * PIER's points of interest: tokens not in the matrix language, and (with `switchPoints`) the
 * tokens on either side of each language switch. Also the switch breakdown, whose rows count
 * the tokens on either side of each switch of their type.
 */
function pointsOfInterest(
  refTokens: readonly LanguageToken[],
  a: AttributedAlignment,
  o: CodeSwitchOptions,
): { pier: ErrorCounts; switches: Counts['switches'] } {
  const poi = new Set<number>()
  const flanks = new Map<string, { from: string; to: string; switches: number; at: Set<number> }>()
  refTokens.forEach((t, i) => {
    if (t.lang !== o.matrixLanguage) poi.add(i)
    const before = refTokens[i - 1]
    if (!before || before.lang === t.lang) return
    if (o.switchPoints ?? true) poi.add(i - 1).add(i)
    const type = `${before.lang}→${t.lang}`
    const f = flanks.get(type) ?? { from: before.lang, to: t.lang, switches: 0, at: new Set() }
    f.switches++
    f.at.add(i - 1).add(i)
    flanks.set(type, f)
  })
  const switches: Counts['switches'] = new Map()
  for (const [type, f] of flanks)
    switches.set(type, { from: f.from, to: f.to, switches: f.switches, errors: countAt(a, f.at) })
  return { pier: countAt(a, poi), switches }
}

function positionsBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number[]> {
  const out = new Map<string, number[]>()
  items.forEach((item, i) => {
    const k = key(item)
    const list = out.get(k)
    if (list) list.push(i)
    else out.set(k, [i])
  })
  return out
}

function tokens(tagged: readonly LanguageToken[]): string[] {
  return tagged.map((t) => t.token)
}

/** Counts summed over utterances (or over reports' counts: see core/language/scoring.ts). */
export function sum(all: readonly Counts[]): Counts {
  const total: Counts = {
    utterances: 0,
    wer: noErrors,
    cer: noErrors,
    mer: noErrors,
    translit: noErrors,
    pier: noErrors,
    languages: new Map(),
    switches: new Map(),
  }
  for (const c of all) {
    total.utterances += c.utterances
    total.wer = addCounts(total.wer, c.wer)
    total.cer = addCounts(total.cer, c.cer)
    total.mer = addCounts(total.mer, c.mer)
    total.translit = addCounts(total.translit, c.translit)
    total.pier = addCounts(total.pier, c.pier)
    for (const [lang, l] of c.languages) {
      const row = total.languages.get(lang) ?? { wer: noErrors, mer: noErrors, translit: noErrors }
      total.languages.set(lang, {
        wer: addCounts(row.wer, l.wer),
        mer: addCounts(row.mer, l.mer),
        translit: addCounts(row.translit, l.translit),
      })
    }
    for (const [type, s] of c.switches) {
      const row = total.switches.get(type) ?? { ...s, switches: 0, errors: noErrors }
      total.switches.set(type, {
        ...row,
        switches: row.switches + s.switches,
        errors: addCounts(row.errors, s.errors),
      })
    }
  }
  return total
}

/** The rates of summed counts. */
export function scores(c: Omit<Counts, 'languages' | 'switches'>): CodeSwitchScores {
  return {
    utterances: c.utterances,
    wer: withRate(c.wer),
    cer: withRate(c.cer),
    mer: withRate(c.mer),
    translitWer: withRate(c.translit),
    pier: { ...countsOnly(c.pier), rate: c.pier.n === 0 ? null : errorRate(c.pier) },
  }
}
