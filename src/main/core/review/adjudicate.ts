import type {
  AdjudicationColumn,
  AdjudicationResult,
  AdjudicationView,
} from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { align } from '../../../shared/metrics/errors'
import { spansFromLanguages, typedWords, wordLanguages } from '../../../shared/text/language-spans'
import { normalize, type NormalizationRules } from '../../../shared/text/normalize'
import { utteranceDetail } from '../annotate/editor'
import type { WriteDb } from '../db/connection'
import { normalizeForStorage, projectRules } from '../language/rules'
import { blindVersions, matrixOf, openDouble, versionAgreement, type BlindVersion } from './blind'
import { appendReviewerRevision, requireReviewer } from './common'

/** A reviewer's decision for one column: take a version's word, or type the words. */
export type ColumnChoice =
  { column: number; take: 'a' | 'b' | 'model' | 'none' } | { column: number; text: string }

function versionsToAdjudicate(db: WriteDb, utteranceId: number): [BlindVersion, BlindVersion] {
  const double = openDouble(db, utteranceId)
  if (!double) throw SautiError.saying('not_found', 'noAdjudication', { id: utteranceId })
  const [a, b] = blindVersions(db, double)
  if (!a || !b)
    throw SautiError.saying('conflict', a ? 'oneVersion' : 'noVersion', { id: utteranceId })
  return [a, b]
}

/**
 * The aligned word diff: the two versions aligned with sclite's costs (words equal when they
 * normalise the same under the project's rules), then the model's best hypothesis aligned to
 * those columns (a model word matches a column holding the same word in either version).
 * A model word with no column gets a column of its own. A column agrees when both versions have
 * the same word in the same language (untagged: the utterance's `matrix` language), so a pair
 * sent to adjudication for its tags has its tags to decide. A comparison of two models aligns
 * their hypotheses the same way, with the reference as the third reading (adapt/compare-checkpoints.ts).
 */
export function alignVersions(
  a: Pick<BlindVersion, 'text' | 'spans'>,
  b: Pick<BlindVersion, 'text' | 'spans'>,
  model: string | null,
  rules: NormalizationRules,
  matrix: string,
): AdjudicationColumn[] {
  const key = (w: string | null): string => (w === null ? '' : normalize(w, rules))
  const aWords = typedWords(a.text)
  const bWords = typedWords(b.text)
  const aLangs = wordLanguages(a.text, a.spans, '')
  const bLangs = wordLanguages(b.text, b.spans, '')
  const base: Omit<AdjudicationColumn, 'index' | 'model' | 'agree'>[] = []
  let i = 0
  let j = 0
  for (const op of align(aWords, bWords, (x, y) => key(x) === key(y)).ops) {
    const withA = op.op !== 'ins'
    const withB = op.op !== 'del'
    base.push({
      a: withA ? aWords[i]! : null,
      b: withB ? bWords[j]! : null,
      aLang: withA ? aLangs[i] || null : null,
      bLang: withB ? bLangs[j] || null : null,
    })
    if (withA) i++
    if (withB) j++
  }
  const modelWords = model === null ? [] : typedWords(model)
  const columns: Omit<AdjudicationColumn, 'index' | 'agree'>[] = []
  let c = 0
  let m = 0
  const ids = base.map((_, n) => String(n))
  const matches = (id: string, word: string): boolean => {
    const col = base[Number(id)]!
    return key(col.a) === key(word) || key(col.b) === key(word)
  }
  for (const op of align(ids, modelWords, matches).ops) {
    if (op.op === 'ins') {
      columns.push({ a: null, b: null, aLang: null, bLang: null, model: modelWords[m++]! })
      continue
    }
    columns.push({ ...base[c++]!, model: op.op === 'del' ? null : modelWords[m++]! })
  }
  const sameLanguage = (x: string | null, y: string | null): boolean =>
    (x ?? matrix) === (y ?? matrix)
  return columns.map((col, index) => ({
    index,
    ...col,
    agree: key(col.a) === key(col.b) && sameLanguage(col.aLang, col.bLang),
  }))
}

export function adjudicationView(
  db: WriteDb,
  utteranceId: number,
  now = new Date().toISOString(),
): AdjudicationView {
  const detail = utteranceDetail(db, utteranceId, now)
  const [a, b] = versionsToAdjudicate(db, utteranceId)
  // The model's best transcript as a third reading; a reference (phones) is no reading of the text.
  const best = detail.hypotheses.find((h) => !h.reference)
  const head = db
    .prepare('SELECT max(id) AS id FROM revision WHERE utterance_id = ?')
    .get(utteranceId) as { id: number }
  const version = (v: BlindVersion): AdjudicationView['a'] => ({
    revisionId: v.revisionId,
    annotator: v.annotator,
    text: v.text,
    spans: v.spans,
  })
  return {
    utteranceId,
    headRevisionId: head.id,
    a: version(a),
    b: version(b),
    hypothesis: best ? { id: best.id, text: best.text, modelName: best.modelName } : null,
    columns: alignVersions(a, b, best?.text ?? null, projectRules(db), matrixOf(db, utteranceId)),
    agreement: versionAgreement(db, utteranceId, [a, b]),
  }
}

/** The result's words, each with the language of the version it came from (null: untagged). */
function resolveWords(
  columns: AdjudicationColumn[],
  choices: readonly ColumnChoice[],
): { word: string; lang: string | null }[] {
  const byColumn = new Map(choices.map((c) => [c.column, c]))
  for (const c of choices)
    if (c.column >= columns.length)
      throw SautiError.saying('validation', 'noColumn', {
        column: c.column,
        count: columns.length,
      })
  const open = columns.filter((col) => !col.agree && !byColumn.has(col.index)).map((c) => c.index)
  if (open.length > 0)
    throw SautiError.saying(
      'validation',
      'columnsOpen',
      { columns: open.join(', ') },
      { columns: open },
    )
  return columns.flatMap((col) => {
    const choice = byColumn.get(col.index)
    const fallbackLang = col.aLang ?? col.bLang
    const one = (word: string | null, lang: string | null) =>
      word === null ? [] : [{ word, lang }]
    if (!choice) return one(col.a ?? col.b, fallbackLang)
    if ('text' in choice)
      return typedWords(choice.text).map((word) => ({ word, lang: fallbackLang }))
    if (choice.take === 'a') return one(col.a, col.aLang)
    if (choice.take === 'b') return one(col.b, col.bLang)
    if (choice.take === 'model') return one(col.model, fallbackLang)
    return []
  })
}

/**
 * Stores the reviewer's merge as the utterance's approved revision with both versions as its
 * parents: the newer one is its chain parent (parent_id), the other its second parent
 * (merge_parent_id), both covered by its hash. Refused when either version changed since the
 * view was read, or when anything was written after the two versions.
 */
export function resolveAdjudication(
  db: WriteDb,
  input: {
    utteranceId: number
    actorId: number
    aRevisionId: number
    bRevisionId: number
    choices: ColumnChoice[]
    comment: string
  },
  now = new Date().toISOString(),
): AdjudicationResult {
  return db
    .transaction(() => {
      const reviewer = requireReviewer(db, input.actorId)
      const view = adjudicationView(db, input.utteranceId, now)
      if (view.a.revisionId !== input.aRevisionId || view.b.revisionId !== input.bRevisionId)
        throw SautiError.saying('conflict', 'versionsChanged', { id: input.utteranceId })
      const parents = [view.a.revisionId, view.b.revisionId]
      if (!parents.includes(view.headRevisionId))
        throw SautiError.saying('conflict', 'writtenAfterVersions', {
          id: input.utteranceId,
          revision: view.headRevisionId,
        })
      const words = resolveWords(view.columns, input.choices)
      const text = normalizeForStorage(words.map((w) => w.word).join(' '), projectRules(db))
      const spans = spansFromLanguages(words.map((w) => w.lang))
      const mergeParentId = parents.find((id) => id !== view.headRevisionId)!
      const { stored, revision, review } = appendReviewerRevision(
        db,
        reviewer,
        {
          utteranceId: input.utteranceId,
          text,
          spans,
          comment: input.comment,
          approve: true,
          mergeParentId,
        },
        now,
      )
      db.prepare(
        'UPDATE double_annotation SET adjudicated_revision_id = ? WHERE utterance_id = ?',
      ).run(stored.id, input.utteranceId)
      return {
        revision: { ...revision, parentId: stored.parentId, mergeParentId: stored.mergeParentId },
        review: review!,
        status: 'reviewed' as const,
      }
    })
    .immediate()
}
