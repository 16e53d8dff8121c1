/**
 * Two models side by side (docs/training.md, "Comparing two models"): a lead choosing which
 * checkpoint to put in use sees both on the same utterances of today's dev or test split. The
 * figures are taken from the hypotheses each head has decoded (kept in `hypothesis`, so nothing
 * is decoded twice) against each utterance's newest transcript, scored afresh on every call.
 */
import type {
  CheckpointComparison,
  ComparedGroup,
  ComparedHead,
  ComparedModel,
  ComparedUtterance,
  DevScores,
  EvaluationGroupScore,
  ProjectEvaluation,
} from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { normalize } from '../../../shared/text/normalize'
import { fitsSpanSql } from '../asr/decoded-span'
import { referenceReader } from '../asr/head-output'
import { evaluateProject } from '../asr/evaluate-project'
import type { ReadDb } from '../db/connection'
import { projectRules } from '../language/rules'
import { hasHumanText } from '../provenance/human-text'
import { alignVersions } from '../review/adjudicate'
import { checkpointLanguageModel } from './checkpoints'
import { comparisonMetric } from './compare'
import type { DecodeSpan } from './head-decoding'
import type { LanguageModelWeight } from './train-protocol'

/** One side, as the store knows it. */
export interface Head {
  checkpointId: number | null
  /** The checkpoint's file and language model; null for the base model. */
  file: { path: string; lm: LanguageModelWeight } | null
  status: ComparedModel['status']
  recordedDev: DevScores | null
}

export interface ComparedPair {
  model: { id: number; name: string; sha256: string }
  a: Head
  b: Head
}

type Split = CheckpointComparison['split']

/** The most utterances a comparison lists: those where the two differ most. */
const LISTED = 200

interface CheckpointRow {
  id: number
  model_id: number
  path: string
  status: Head['status']
  metrics: string
  hyperparameters: string
}

const devOf = (metrics: string, key: 'dev' | 'parentDev'): DevScores | null =>
  (JSON.parse(metrics) as Record<string, DevScores | null | undefined>)[key] ?? null

/**
 * The two heads a lead chose: checkpoints of one model, or one and that model's own head.
 * Refused, saying why, for the same one twice, a checkpoint the project lacks and checkpoints
 * of two different models.
 */
export function comparedPair(db: ReadDb, a: ComparedHead, b: ComparedHead): ComparedPair {
  if (a === b) throw new SautiError('validation', 'choose two different models to compare')
  const row = (id: number): CheckpointRow => {
    const found = db
      .prepare(
        'SELECT id, model_id, path, status, metrics, hyperparameters FROM checkpoint WHERE id = ?',
      )
      .get(id) as CheckpointRow | undefined
    if (!found) throw new SautiError('not_found', `no checkpoint ${id} in this project`)
    return found
  }
  const rows = [a, b].filter((h): h is number => h !== 'base').map(row)
  if (rows.length === 2 && rows[0]!.model_id !== rows[1]!.model_id)
    throw new SautiError(
      'bad_input',
      `checkpoints ${rows[0]!.id} and ${rows[1]!.id} adapt different models: compare each with its own base model`,
    )
  const model = db
    .prepare('SELECT id, name, sha256 FROM model WHERE id = ?')
    .get(rows[0]!.model_id) as ComparedPair['model']
  const head = (h: ComparedHead): Head => {
    if (h !== 'base') {
      const r = rows.find((x) => x.id === h)!
      return {
        checkpointId: r.id,
        file: { path: r.path, lm: checkpointLanguageModel(r.hyperparameters) },
        status: r.status,
        recordedDev: devOf(r.metrics, 'dev'),
      }
    }
    const inUse = db
      .prepare("SELECT 1 FROM checkpoint WHERE model_id = ? AND status = 'active'")
      .get(model.id)
    // The base model's dev figures are those its first checkpoint was compared with.
    const first = db
      .prepare(
        'SELECT metrics FROM checkpoint WHERE model_id = ? AND parent_id IS NULL ORDER BY id LIMIT 1',
      )
      .get(model.id) as { metrics: string } | undefined
    return {
      checkpointId: null,
      file: null,
      status: inUse ? 'inactive' : 'active',
      recordedDev: first ? devOf(first.metrics, 'parentDev') : null,
    }
  }
  return { model, a: head(a), b: head(b) }
}

/** The transcribed utterances of today's split, as a head decodes them. */
export function splitUtterances(db: ReadDb, split: Split): DecodeSpan[] {
  return (
    db
      .prepare(
        `SELECT u.id, u.start_sec, u.end_sec, u.language, r.sha256 FROM utterance u
         JOIN recording r ON r.id = u.recording_id AND r.purged_at IS NULL
         WHERE u.merged_into IS NULL AND u.split = ?
           AND ${hasHumanText('u.id')}
         ORDER BY u.id`,
      )
      .all(split) as {
      id: number
      start_sec: number
      end_sec: number
      language: string | null
      sha256: string
    }[]
  ).map((r) => ({
    utteranceId: r.id,
    recordingSha256: r.sha256,
    startSec: r.start_sec,
    endSec: r.end_sec,
    language: r.language,
  }))
}

type Hypotheses = Map<number, { text: string; wordConfidences: (number | null)[] }>

/**
 * A head's newest best hypothesis for each utterance of today's split that it has decoded, as
 * the annotator meets it: a base model's reference (phones, or a language its head does not
 * write) is never the field's text, so it counts as empty, as training's check counts it.
 */
export function decodedBy(db: ReadDb, modelId: number, head: Head, split: Split): Hypotheses {
  const referenceOf = referenceReader(db)
  const rows = db
    .prepare(
      // From the split's utterances (indexed), each to its newest best hypothesis of its span
      // as it is now, by the hypothesis table's unique (utterance, model, checkpoint, span, rank)
      // index: one decoded from other audio does not count (asr/decoded-span.ts).
      `SELECT h.utterance_id, h.text, h.word_confidences, u.language FROM utterance u
       JOIN hypothesis h ON h.id = (SELECT max(id) FROM hypothesis WHERE utterance_id = u.id
                                    AND model_id = ? AND checkpoint_id IS ?
                                    AND ${fitsSpanSql('hypothesis', 'u')} AND rank = 1)
       WHERE u.split = ?`,
    )
    .all(modelId, head.checkpointId, split) as {
    utterance_id: number
    text: string
    word_confidences: string
    language: string | null
  }[]
  return new Map(
    rows.map((r) => [
      r.utterance_id,
      referenceOf({ modelId, checkpointId: head.checkpointId, language: r.language })
        ? { text: '', wordConfidences: [] }
        : { text: r.text, wordConfidences: JSON.parse(r.word_confidences) as (number | null)[] },
    ]),
  )
}

function groups(a: EvaluationGroupScore[], b: EvaluationGroupScore[]): ComparedGroup[] {
  const other = new Map(b.map((g) => [g.key, g]))
  return a.map((g) => ({
    key: g.key,
    utterances: g.utterances,
    a: { wer: g.wer, cer: g.cer },
    b: { wer: other.get(g.key)?.wer ?? 0, cer: other.get(g.key)?.cer ?? 0 },
  }))
}

const scoresOf = (e: ProjectEvaluation): ComparedModel['scores'] => ({
  wer: e.wer,
  cer: e.cer,
  mer: e.codeSwitching.mer.rate,
  pier: e.codeSwitching.pier.rate,
})

/**
 * The comparison a lead sees: both heads scored on the utterances of today's split that both
 * have decoded, per language, speaker and (where references tag languages) word language, and
 * the utterances they read differently with the two hypotheses aligned to the reference.
 */
export function compareCheckpoints(
  db: ReadDb,
  input: { a: ComparedHead; b: ComparedHead; split: Split },
): CheckpointComparison {
  const pair = comparedPair(db, input.a, input.b)
  const today = splitUtterances(db, input.split)
  const inSplit = new Set(today.map((u) => u.utteranceId))
  const fromA = decodedBy(db, pair.model.id, pair.a, input.split)
  const fromB = decodedBy(db, pair.model.id, pair.b, input.split)
  const common = new Set([...inSplit].filter((id) => fromA.has(id) && fromB.has(id)))
  const only = (m: Hypotheses): Hypotheses => new Map([...m].filter(([id]) => common.has(id)))
  const evaluate = (head: Head, m: Hypotheses): ProjectEvaluation =>
    evaluateProject(db, pair.model.sha256, {
      split: input.split,
      checkpoint: { id: head.checkpointId, hypotheses: only(m) },
    })
  const ea = evaluate(pair.a, fromA)
  const eb = evaluate(pair.b, fromB)
  const side = (head: Head, decoded: Hypotheses, e: ProjectEvaluation): ComparedModel => ({
    checkpointId: head.checkpointId,
    status: head.status,
    recordedDev: head.recordedDev,
    decoded: [...decoded.keys()].filter((id) => inSplit.has(id)).length,
    scores: scoresOf(e),
  })
  const a = side(pair.a, fromA, ea)
  const b = side(pair.b, fromB, eb)
  const metric = comparisonMetric({
    cer: Math.max(a.scores.cer, b.scores.cer),
    wer: Math.max(a.scores.wer, b.scores.wer),
  })
  const better =
    common.size === 0
      ? null
      : a.scores[metric] === b.scores[metric]
        ? 'tie'
        : a.scores[metric] < b.scores[metric]
          ? 'a'
          : 'b'
  const differing = readDifferently(db, ea, eb, metric)
  return {
    model: pair.model.name,
    split: input.split,
    a,
    b,
    splitUtterances: today.length,
    common: common.size,
    recordedApart:
      input.split === 'dev' &&
      [a, b].some((s) => s.recordedDev !== null && s.recordedDev.utterances !== today.length),
    metric,
    better,
    byLanguage: groups(ea.byLanguage, eb.byLanguage),
    bySpeaker: groups(ea.bySpeaker, eb.bySpeaker),
    // Word languages are worth a table only where references tag switches (PIER is measured).
    byWordLanguage:
      ea.codeSwitching.pier.rate === null
        ? []
        : ea.codeSwitching.byLanguage.map((l) => ({
            lang: l.lang,
            words: l.wer.n,
            a: l.wer.rate,
            b: eb.codeSwitching.byLanguage.find((x) => x.lang === l.lang)?.wer.rate ?? 0,
          })),
    differing: differing.total,
    utterances: differing.listed,
  }
}

/**
 * The utterances whose two hypotheses differ, the most different first (by the metric that
 * decides the comparison, then the other: CER first while WER is saturated, as the verdict),
 * at most LISTED of them, ordered with B's worst regressions first; each with the two
 * hypotheses and the reference aligned as the adjudication view aligns two versions.
 */
function readDifferently(
  db: ReadDb,
  ea: ProjectEvaluation,
  eb: ProjectEvaluation,
  metric: 'wer' | 'cer',
): { total: number; listed: ComparedUtterance[] } {
  const rules = projectRules(db)
  const key = (w: string | null): string => (w === null ? '' : normalize(w, rules))
  const fromB = new Map(eb.perUtterance.map((u) => [u.utteranceId, u]))
  const pairs = ea.perUtterance
    .map((ua) => ({ ua, ub: fromB.get(ua.utteranceId)! }))
    .filter(({ ua, ub }) => ub && key(ua.hypothesis) !== key(ub.hypothesis))
  const delta = ({ ua, ub }: (typeof pairs)[number]): [number, number] =>
    metric === 'wer' ? [ub.wer - ua.wer, ub.cer - ua.cer] : [ub.cer - ua.cer, ub.wer - ua.wer]
  const listed = pairs
    .sort((x, y) => {
      const [dx, cx] = delta(x)
      const [dy, cy] = delta(y)
      return Math.abs(dy) - Math.abs(dx) || Math.abs(cy) - Math.abs(cx)
    })
    .slice(0, LISTED)
    .sort((x, y) => {
      const [dx, cx] = delta(x)
      const [dy, cy] = delta(y)
      return dy - dx || cy - cx || x.ua.utteranceId - y.ua.utteranceId
    })
  return {
    total: pairs.length,
    listed: listed.map(({ ua, ub }) => ({
      utteranceId: ua.utteranceId,
      speaker: ua.speaker,
      language: ua.language,
      reference: ua.reference,
      a: { text: ua.hypothesis, wer: ua.wer, cer: ua.cer },
      b: { text: ub.hypothesis, wer: ub.wer, cer: ub.cer },
      words: alignVersions(
        { text: ua.hypothesis, spans: [] },
        { text: ub.hypothesis, spans: [] },
        ua.reference,
        rules,
        '',
      ).map((c) => ({
        reference: c.model,
        a: c.a,
        b: c.b,
        same: c.agree,
        aRight: key(c.a) === key(c.model),
        bRight: key(c.b) === key(c.model),
      })),
    })),
  }
}
