import {
  NO_GROUP,
  scoreCodeSwitching,
  type CodeSwitchOptions,
  type CodeSwitchReport,
  type EvaluatedUtterance,
  type PierRate,
  type Rate,
} from '../../../shared/metrics/code-switch'
import { addCounts, errorRate, noErrors, type ErrorCounts } from '../../../shared/metrics/errors'

/** An utterance to score with its own matrix language (its utterance language, or the project's). */
export interface MatrixUtterance extends EvaluatedUtterance {
  matrix: string
}

/**
 * scoreCodeSwitching with a matrix language per utterance. A project mixes utterances whose
 * matrix language differs (a Swahili clip, a Hindi–English one); PIER's points of interest are
 * the words outside each utterance's own matrix language, so utterances are scored in groups
 * of one matrix language and the groups' counts summed. Every rate is recomputed from the
 * summed counts, as scoreCodeSwitching does within a group, so the result is the same as one
 * call whenever all utterances share a matrix language.
 */
export function scoreWithMatrices(
  utterances: readonly MatrixUtterance[],
  options: Omit<CodeSwitchOptions, 'matrixLanguage'>,
): CodeSwitchReport {
  // Every utterance names every attribute, so each group reports the same "(none)" rows.
  const attributes = [...new Set(utterances.flatMap((u) => Object.keys(u.group ?? {})))]
  const byMatrix = new Map<string, EvaluatedUtterance[]>()
  for (const u of utterances) {
    const group = Object.fromEntries(attributes.map((a) => [a, u.group?.[a] ?? NO_GROUP]))
    const list = byMatrix.get(u.matrix) ?? []
    list.push({ ...u, group })
    byMatrix.set(u.matrix, list)
  }
  const reports = [...byMatrix].map(([matrixLanguage, list]) =>
    scoreCodeSwitching(list, { ...options, matrixLanguage }),
  )
  return mergeReports(reports, utterances)
}

function mergeReports(
  reports: CodeSwitchReport[],
  order: readonly EvaluatedUtterance[],
): CodeSwitchReport {
  const total = { utterances: 0, wer: noErrors, cer: noErrors, mer: noErrors, translit: noErrors }
  let pier = noErrors
  const languages = new Map<string, { wer: ErrorCounts; mer: ErrorCounts; translit: ErrorCounts }>()
  const switches = new Map<
    string,
    { from: string; to: string; switches: number; errors: ErrorCounts }
  >()
  const groups = new Map<
    string,
    {
      attribute: string
      value: string
      utterances: number
      wer: ErrorCounts
      cer: ErrorCounts
      mer: ErrorCounts
      translit: ErrorCounts
      pier: ErrorCounts
    }
  >()
  for (const r of reports) {
    total.utterances += r.utterances
    total.wer = addCounts(total.wer, r.wer)
    total.cer = addCounts(total.cer, r.cer)
    total.mer = addCounts(total.mer, r.mer)
    total.translit = addCounts(total.translit, r.translitWer)
    pier = addCounts(pier, r.pier)
    for (const l of r.byLanguage) {
      const row = languages.get(l.lang) ?? { wer: noErrors, mer: noErrors, translit: noErrors }
      languages.set(l.lang, {
        wer: addCounts(row.wer, l.wer),
        mer: addCounts(row.mer, l.mer),
        translit: addCounts(row.translit, l.translitWer),
      })
    }
    for (const s of r.bySwitch) {
      const row = switches.get(s.type) ?? { from: s.from, to: s.to, switches: 0, errors: noErrors }
      switches.set(s.type, {
        ...row,
        switches: row.switches + s.switches,
        errors: addCounts(row.errors, s.errors),
      })
    }
    for (const g of r.byGroup) {
      const key = `${g.attribute}\u0000${g.value}`
      const row = groups.get(key) ?? {
        attribute: g.attribute,
        value: g.value,
        utterances: 0,
        wer: noErrors,
        cer: noErrors,
        mer: noErrors,
        translit: noErrors,
        pier: noErrors,
      }
      groups.set(key, {
        ...row,
        utterances: row.utterances + g.utterances,
        wer: addCounts(row.wer, g.wer),
        cer: addCounts(row.cer, g.cer),
        mer: addCounts(row.mer, g.mer),
        translit: addCounts(row.translit, g.translitWer),
        pier: addCounts(row.pier, g.pier),
      })
    }
  }
  const position = new Map(order.map((u, i) => [u.id, i]))
  const byKey = <T>(entries: Iterable<[string, T]>): [string, T][] =>
    [...entries].sort(([a], [b]) => a.localeCompare(b))
  return {
    utterances: total.utterances,
    wer: rate(total.wer),
    cer: rate(total.cer),
    mer: rate(total.mer),
    translitWer: rate(total.translit),
    pier: pierRate(pier),
    perUtterance: reports
      .flatMap((r) => r.perUtterance)
      .sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0)),
    byLanguage: byKey(languages).map(([lang, c]) => ({
      lang,
      wer: rate(c.wer),
      mer: rate(c.mer),
      translitWer: rate(c.translit),
    })),
    bySwitch: byKey(switches).map(([type, s]) => ({
      type,
      from: s.from,
      to: s.to,
      switches: s.switches,
      errors: rate(s.errors),
    })),
    byGroup: byKey(groups).map(([, g]) => ({
      attribute: g.attribute,
      value: g.value,
      utterances: g.utterances,
      wer: rate(g.wer),
      cer: rate(g.cer),
      mer: rate(g.mer),
      translitWer: rate(g.translit),
      pier: pierRate(g.pier),
    })),
  }
}

export function rate(c: ErrorCounts): Rate {
  return {
    n: c.n,
    hits: c.hits,
    substitutions: c.substitutions,
    deletions: c.deletions,
    insertions: c.insertions,
    rate: errorRate(c),
  }
}

function pierRate(c: ErrorCounts): PierRate {
  return { ...rate(c), rate: c.n === 0 ? null : errorRate(c) }
}
