import {
  breakdowns,
  NO_GROUP,
  scoreCodeSwitching,
  scores,
  sum,
  type CodeSwitchCounts,
  type CodeSwitchOptions,
  type CodeSwitchReport,
  type CodeSwitchScores,
  type EvaluatedUtterance,
  type LanguageRow,
  type SwitchRow,
} from '../../../shared/metrics/code-switch'

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

/**
 * One report from the groups' reports: their counts summed (rates carry their counts), every
 * rate taken again from the sums, utterances back in the caller's order.
 */
function mergeReports(
  reports: CodeSwitchReport[],
  order: readonly EvaluatedUtterance[],
): CodeSwitchReport {
  const total = sum(reports.map((r) => countsOf(r, r.byLanguage, r.bySwitch)))
  const groups = new Map<string, { attribute: string; value: string; counts: CodeSwitchCounts[] }>()
  for (const g of reports.flatMap((r) => r.byGroup)) {
    const key = `${g.attribute}\u0000${g.value}`
    const row = groups.get(key) ?? { attribute: g.attribute, value: g.value, counts: [] }
    row.counts.push(countsOf(g, [], []))
    groups.set(key, row)
  }
  const position = new Map(order.map((u, i) => [u.id, i]))
  return {
    ...scores(total),
    perUtterance: reports
      .flatMap((r) => r.perUtterance)
      .sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0)),
    ...breakdowns(total),
    byGroup: [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, g]) => ({ attribute: g.attribute, value: g.value, ...scores(sum(g.counts)) })),
  }
}

function countsOf(
  s: CodeSwitchScores,
  byLanguage: readonly LanguageRow[],
  bySwitch: readonly SwitchRow[],
): CodeSwitchCounts {
  return {
    utterances: s.utterances,
    wer: s.wer,
    cer: s.cer,
    mer: s.mer,
    translit: s.translitWer,
    pier: s.pier,
    languages: new Map(
      byLanguage.map((l) => [l.lang, { wer: l.wer, mer: l.mer, translit: l.translitWer }]),
    ),
    switches: new Map(
      bySwitch.map((s) => [
        s.type,
        { from: s.from, to: s.to, switches: s.switches, errors: s.errors },
      ]),
    ),
  }
}
