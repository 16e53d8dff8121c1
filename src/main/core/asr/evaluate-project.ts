import {
  addCounts,
  align,
  errorRate,
  noErrors,
  type ErrorCounts,
} from '../../../shared/metrics/errors'
import {
  aucRoc,
  expectedCalibrationError,
  normalisedCrossEntropy,
  type ScoredWord,
} from '../../../shared/metrics/confidence-quality'
import { normalize, normalizeChars, normalizeWords } from '../../../shared/text/normalize'
import type { LanguageSpan } from '../../../shared/domain'
import type { EvaluationGroupScore, ProjectEvaluation } from '../../../shared/domain'
import { newestHumanText } from '../provenance/human-text'
import { fitsSpanSql } from './decoded-span'
import { referenceReader } from './head-output'
import type { ReadDb } from '../db/connection'
import { SautiError } from '../../../shared/errors'
import { defaultLanguage } from '../annotate/annotators'
import { projectRules } from '../language/rules'
import { scoreWithMatrices, type MatrixUtterance } from '../language/scoring'

export type { ProjectEvaluation }
export type GroupScore = EvaluationGroupScore

interface Row {
  utterance_id: number
  speaker: string | null
  language: string | null
  reference: string
  spans: string
  hypothesis: string | null
  word_confidences: string | null
  dialect: string | null
  gender: string | null
  age_band: string | null
  first_language: string | null
}

/** Speaker attributes the code-switching scores are broken down by (docs/metrics.md). */
function speakerGroup(row: Row): Record<string, string> {
  const group: Record<string, string> = {}
  if (row.dialect) group.dialect = row.dialect
  if (row.gender) group.gender = row.gender
  if (row.age_band) group.ageBand = row.age_band
  if (row.first_language) group.firstLanguage = row.first_language
  return group
}

/** What to score instead of the base model's stored best hypotheses over every transcript. */
export interface EvaluationOptions {
  /** Only the transcribed utterances of one split. */
  split?: ProjectEvaluation['split']
  /**
   * The best hypotheses to score instead, by utterance: a checkpoint's decoded for this
   * evaluation (adapt/evaluate-checkpoint.ts), or either side's of a comparison, where id null is
   * the base model (adapt/compare-checkpoints.ts). An utterance without one counts as unlabelled.
   */
  checkpoint?: {
    id: number | null
    hypotheses: Map<number, { text: string; wordConfidences: (number | null)[] }>
  }
}

/**
 * A model of this project named on the command line or in a request: by its name or a prefix of
 * its sha256, the newest registration when several match. A model the project has never seen
 * (it has not labelled the project) is refused with the command that would add it.
 */
export function projectModel(db: ReadDb, model: string): { id: number; name: string } {
  const row = db
    .prepare(
      `SELECT id, name FROM model
       WHERE name = ? OR sha256 LIKE ? OR name || '@' || json_extract(manifest, '$.version') = ?
       ORDER BY id DESC LIMIT 1`,
    )
    .get(model, `${model}%`, model) as { id: number; name: string } | undefined
  if (!row)
    throw new SautiError(
      'not_found',
      `model "${model}" has not labelled this project yet (run \`sauti label --model ${model}\`).`,
    )
  return row
}

/**
 * Scores a model's best hypotheses against the project's reference transcripts: each
 * utterance's newest human or imported revision (never a model's). WER and CER overall, per
 * speaker and per language; and how well word confidence predicts a wrong word.
 */
export function evaluateProject(
  db: ReadDb,
  modelName: string,
  options: EvaluationOptions = {},
): ProjectEvaluation {
  const split = options.split ?? 'all'
  const model = projectModel(db, modelName)
  const rows = db
    .prepare(
      `SELECT u.id AS utterance_id, s.code AS speaker, u.language, v.text AS reference, v.spans,
              h.text AS hypothesis, h.word_confidences,
              s.dialect, s.gender, s.age_band, s.first_language
       FROM utterance u
       JOIN revision v ON v.id = ${newestHumanText('u.id')}
       LEFT JOIN speaker s ON s.id = u.speaker_id
       LEFT JOIN hypothesis h ON h.utterance_id = u.id AND h.model_id = ? AND h.checkpoint_id IS NULL AND h.rank = 1
                              AND ${fitsSpanSql('h', 'u')}
       WHERE u.merged_into IS NULL AND (? = 'all' OR u.split = ?)
       ORDER BY u.id`,
    )
    .all(model.id, split, split) as Row[]
  const decoded = options.checkpoint?.hypotheses
  if (decoded)
    for (const row of rows) {
      const h = decoded.get(row.utterance_id)
      row.hypothesis = h?.text ?? null
      row.word_confidences = h ? JSON.stringify(h.wordConfidences) : null
    }
  else {
    // The base head's reference (phones, or a language it does not write) never becomes the
    // field's text: the annotator types from scratch, so it scores as an empty hypothesis, as
    // training's check and the comparison of two models score it.
    const referenceOf = referenceReader(db)
    for (const row of rows)
      if (
        row.hypothesis !== null &&
        referenceOf({ modelId: model.id, checkpointId: null, language: row.language })
      ) {
        row.hypothesis = ''
        row.word_confidences = '[]'
      }
  }
  // The project's rules, as search and the editor's stored text use them (docs/review.md).
  const rules = projectRules(db)
  const matrixDefault = defaultLanguage(db) ?? 'und'
  const codeSwitched: MatrixUtterance[] = []
  let wordTotals = noErrors
  let charTotals = noErrors
  const groups = {
    speaker: new Map<string, { n: number; words: ErrorCounts; chars: ErrorCounts }>(),
    language: new Map<string, { n: number; words: ErrorCounts; chars: ErrorCounts }>(),
  }
  const scored: ScoredWord[] = []
  const perUtterance: ProjectEvaluation['perUtterance'] = []
  let unlabelled = 0
  for (const row of rows) {
    if (row.hypothesis === null) {
      unlabelled++
      continue
    }
    // Hypothesis words as stored (each with its confidence), normalised as the scorer does;
    // a stored word that normalises into several keeps its confidence for each.
    const confidences = JSON.parse(row.word_confidences ?? '[]') as (number | null)[]
    const hypWords = row.hypothesis
      .split(/\s+/)
      .filter(Boolean)
      .flatMap((word, i) =>
        normalize(word, rules)
          .split(' ')
          .filter(Boolean)
          .map((piece) => ({ word: piece, confidence: confidences[i] ?? null })),
      )
    const w = align(
      normalizeWords(row.reference, rules),
      hypWords.map((x) => x.word),
    )
    const c = align(normalizeChars(row.reference, rules), normalizeChars(row.hypothesis, rules))
    codeSwitched.push({
      id: String(row.utterance_id),
      reference: row.reference,
      hypothesis: row.hypothesis,
      spans: JSON.parse(row.spans) as LanguageSpan[],
      group: speakerGroup(row),
      matrix: row.language ?? matrixDefault,
    })
    wordTotals = addCounts(wordTotals, w)
    charTotals = addCounts(charTotals, c)
    for (const [kind, key] of [
      ['speaker', row.speaker ?? '(unknown)'],
      ['language', row.language ?? '(unknown)'],
    ] as const) {
      const g = groups[kind].get(key) ?? { n: 0, words: noErrors, chars: noErrors }
      groups[kind].set(key, {
        n: g.n + 1,
        words: addCounts(g.words, w),
        chars: addCounts(g.chars, c),
      })
    }
    perUtterance.push({
      utteranceId: row.utterance_id,
      speaker: row.speaker,
      language: row.language,
      reference: row.reference,
      hypothesis: row.hypothesis,
      wer: errorRate(w),
      cer: errorRate(c),
    })
    // A hypothesis word is right if the alignment matched it to the reference.
    let k = 0
    for (const op of w.ops) {
      if (op.op === 'del') continue
      const word = hypWords[k++]
      if (word && word.confidence !== null)
        scored.push({ confidence: word.confidence, correct: op.op === 'ok' })
    }
  }
  const summarise = (
    m: Map<string, { n: number; words: ErrorCounts; chars: ErrorCounts }>,
  ): EvaluationGroupScore[] =>
    [...m.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, g]) => ({
        key,
        utterances: g.n,
        wer: errorRate(g.words),
        cer: errorRate(g.chars),
        words: g.words,
      }))
  return {
    model: model.name,
    checkpointId: options.checkpoint?.id ?? null,
    split,
    utterances: perUtterance.length,
    unlabelled,
    wer: errorRate(wordTotals),
    cer: errorRate(charTotals),
    words: wordTotals,
    chars: charTotals,
    bySpeaker: summarise(groups.speaker),
    byLanguage: summarise(groups.language),
    confidence: {
      words: scored.length,
      aucRoc: aucRoc(scored),
      ece: expectedCalibrationError(scored),
      nce: normalisedCrossEntropy(scored),
    },
    codeSwitching: codeSwitchingScores(codeSwitched, rules),
    perUtterance,
  }
}

/** MER, transliteration-normalised WER and PIER, with their breakdowns (docs/metrics.md). */
function codeSwitchingScores(
  utterances: MatrixUtterance[],
  rules: ReturnType<typeof projectRules>,
): ProjectEvaluation['codeSwitching'] {
  const r = scoreWithMatrices(utterances, { rules })
  return {
    wer: r.wer,
    cer: r.cer,
    mer: r.mer,
    translitWer: r.translitWer,
    pier: r.pier,
    byLanguage: r.byLanguage,
    bySwitch: r.bySwitch,
    byGroup: r.byGroup,
  }
}
