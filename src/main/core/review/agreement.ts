import type { AgreementReport, LanguageSpan } from '../../../shared/domain'
import { sumTagAgreement, tagAgreement } from '../../../shared/metrics/tag-agreement'
import type { ReadDb } from '../db/connection'
import { projectRules } from '../language/rules'
import { scoreWithMatrices, type MatrixUtterance } from '../language/scoring'
import { blindVersions, matrixOf, type BlindVersion } from './blind'

interface DoubleRow {
  utterance_id: number
  base_revision_id: number | null
  first_annotator_id: number
  second_annotator_id: number | null
  adjudicated_revision_id: number | null
}

interface Pair {
  utteranceId: number
  versions: [BlindVersion, BlindVersion]
  /** The reviewer's merge; null while pending and when the versions agreed by themselves. */
  adjudicated: { text: string; spans: LanguageSpan[] } | null
  agreed: boolean
}

/** Every double annotation with both versions in; adjudicated ones with the versions adjudicated. */
function pairs(db: ReadDb): { pairs: Pair[]; waiting: number } {
  const rows = db
    .prepare(
      `SELECT utterance_id, base_revision_id, first_annotator_id, second_annotator_id, adjudicated_revision_id
       FROM double_annotation ORDER BY utterance_id`,
    )
    .all() as DoubleRow[]
  const adjudicatedText = db.prepare(
    'SELECT text, spans, merge_parent_id FROM revision WHERE id = ?',
  )
  const out: Pair[] = []
  let waiting = 0
  for (const row of rows) {
    const result =
      row.adjudicated_revision_id === null
        ? undefined
        : (adjudicatedText.get(row.adjudicated_revision_id) as {
            text: string
            spans: string
            merge_parent_id: number | null
          })
    // Settled by agreement: the result is one of the versions themselves, so it counts.
    const agreed = result !== undefined && result.merge_parent_id === null
    const versions = blindVersions(
      db,
      {
        utteranceId: row.utterance_id,
        baseRevisionId: row.base_revision_id,
        firstAnnotatorId: row.first_annotator_id,
        secondAnnotatorId: row.second_annotator_id,
      },
      row.adjudicated_revision_id === null
        ? undefined
        : row.adjudicated_revision_id + (agreed ? 1 : 0),
    )
    const [a, b] = versions
    if (!a || !b) {
      if (row.adjudicated_revision_id === null) waiting++
      continue
    }
    out.push({
      utteranceId: row.utterance_id,
      versions: [a, b],
      adjudicated:
        result && !agreed
          ? { text: result.text, spans: JSON.parse(result.spans) as LanguageSpan[] }
          : null,
      agreed,
    })
  }
  return { pairs: out, waiting }
}

/**
 * Transcript-level agreement for the dashboard (docs/review.md): per annotator pair, WER and
 * CER of one version against the other (the lower profile id's version as the reference, so a
 * pair always reads the same way round), per language of the reference's words, and how often
 * the words both wrote carry different language tags; and each annotator's versions against
 * the adjudicated result, once there is one.
 */
export function agreementReport(db: ReadDb): AgreementReport {
  const rules = projectRules(db)
  const { pairs: all, waiting } = pairs(db)
  const byPair = new Map<string, { ref: string; other: string; list: Pair[] }>()
  for (const p of all) {
    const [ref, other] = [...p.versions].sort((x, y) => x.annotatorId - y.annotatorId) as [
      BlindVersion,
      BlindVersion,
    ]
    const key = `${ref.annotatorId}:${other.annotatorId}`
    const entry = byPair.get(key) ?? { ref: ref.annotator, other: other.annotator, list: [] }
    entry.list.push(p)
    byPair.set(key, entry)
  }
  const matrix = new Map(all.map((p) => [p.utteranceId, matrixOf(db, p.utteranceId)]))
  const pairRows = [...byPair.values()].map(({ ref, other, list }) => {
    const versions = list.map((p) => ({
      id: p.utteranceId,
      matrix: matrix.get(p.utteranceId)!,
      pair: [...p.versions].sort((x, y) => x.annotatorId - y.annotatorId) as [
        BlindVersion,
        BlindVersion,
      ],
    }))
    const utterances: MatrixUtterance[] = versions.map(({ id, matrix, pair: [r, o] }) => ({
      id: String(id),
      reference: r.text,
      hypothesis: o.text,
      spans: r.spans,
      matrix,
    }))
    const scores = scoreWithMatrices(utterances, { rules })
    const tags = sumTagAgreement(
      versions.map(({ matrix, pair: [r, o] }) => tagAgreement(r, o, matrix, rules)),
    )
    return {
      reference: ref,
      other,
      utterances: list.length,
      adjudicated: list.filter((p) => p.adjudicated !== null).length,
      wer: scores.wer,
      cer: scores.cer,
      tags,
      byLanguage: scores.byLanguage.map((l) => ({ lang: l.lang, wer: l.wer })),
    }
  })
  const annotators = new Map<string, { utterances: number; vsAdjudicated: MatrixUtterance[] }>()
  for (const p of all)
    for (const v of p.versions) {
      const entry = annotators.get(v.annotator) ?? { utterances: 0, vsAdjudicated: [] }
      entry.utterances++
      if (p.adjudicated)
        entry.vsAdjudicated.push({
          id: String(p.utteranceId),
          reference: p.adjudicated.text,
          hypothesis: v.text,
          spans: p.adjudicated.spans,
          matrix: matrix.get(p.utteranceId)!,
        })
      annotators.set(v.annotator, entry)
    }
  return {
    waiting,
    pending: all.filter((p) => p.adjudicated === null && !p.agreed).length,
    agreed: all.filter((p) => p.agreed).length,
    adjudicated: all.filter((p) => p.adjudicated !== null).length,
    pairs: pairRows.sort((x, y) =>
      `${x.reference}:${x.other}`.localeCompare(`${y.reference}:${y.other}`),
    ),
    byAnnotator: [...annotators]
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([annotator, e]) => ({
        annotator,
        utterances: e.utterances,
        vsAdjudicated:
          e.vsAdjudicated.length === 0 ? null : scoreWithMatrices(e.vsAdjudicated, { rules }).wer,
      })),
  }
}
