import type { LanguageSpan, ProjectReport, ThroughputRow } from '../../../shared/domain'
import { align } from '../../../shared/metrics/errors'
import { tokensWithLanguage } from '../../../shared/text/language-spans'
import { normalizeWords } from '../../../shared/text/normalize'
import { defaultLanguage } from '../annotate/annotators'
import { fitsSpanSql } from '../asr/decoded-span'
import type { ReadDb } from '../db/connection'
import { readIdentifier } from '../language/identifier'
import { projectRules } from '../language/rules'
import { annotatorText, newestHumanText } from '../provenance/human-text'

/**
 * Utterances and audio minutes each annotator finished per UTC day: an utterance counts once a
 * day for each person who saved a finished revision of it (drafts, imports and models do not).
 */
export function throughput(db: ReadDb): ThroughputRow[] {
  const rows = db
    .prepare(
      `SELECT a.name AS annotator, w.day, count(*) AS utterances,
              sum(u.end_sec - u.start_sec) / 60.0 AS minutes
       FROM (SELECT DISTINCT annotator_id, substr(created_at, 1, 10) AS day, utterance_id
             FROM revision v WHERE ${annotatorText('v')}) w
       JOIN annotator a ON a.id = w.annotator_id
       JOIN utterance u ON u.id = w.utterance_id
       GROUP BY a.name, w.day ORDER BY w.day, a.name`,
    )
    .all() as { annotator: string; day: string; utterances: number; minutes: number }[]
  return rows.map((r) => ({
    annotator: r.annotator,
    day: r.day,
    utterances: r.utterances,
    audioMinutes: r.minutes,
  }))
}

export function reviewCounts(db: ReadDb): ProjectReport['reviews'] {
  return db
    .prepare(
      `SELECT a.name AS reviewer, count(*) FILTER (WHERE r.verdict = 'approve') AS approved,
              count(*) FILTER (WHERE r.verdict = 'reject') AS rejected
       FROM review r JOIN annotator a ON a.id = r.reviewer_id GROUP BY a.name ORDER BY a.name`,
    )
    .all() as ProjectReport['reviews']
}

/** Checkpoints' dev scores against corrected minutes (metrics JSON: {dev: {cer, wer}, correctedSec}). */
export function learningCurve(db: ReadDb): ProjectReport['learningCurve'] {
  const rows = db.prepare('SELECT id, created_at, metrics FROM checkpoint ORDER BY id').all() as {
    id: number
    created_at: string
    metrics: string
  }[]
  return rows.map((r) => {
    const m = JSON.parse(r.metrics) as {
      dev?: { cer?: number; wer?: number } | null
      correctedSec?: number
    }
    return {
      checkpointId: r.id,
      createdAt: r.created_at,
      correctedMinutes: (m.correctedSec ?? 0) / 60,
      devWer: m.dev?.wer ?? null,
      devCer: m.dev?.cer ?? null,
    }
  })
}

/**
 * Confusion of languages at switch points: for each reference word on either side of a
 * language switch, the reference language against the language of the word the model wrote
 * there. A correct word is in its own language; a substituted one is read by the project's
 * language identifier (script, else n-grams; "unknown" when it cannot tell); a deleted word is
 * "(deleted)".
 */
export function switchConfusion(db: ReadDb, modelId: number): ProjectReport['switchConfusion'] {
  const rules = projectRules(db)
  const matrixDefault = defaultLanguage(db) ?? 'und'
  // A report only reads: an identifier trained for it is not cached.
  const identifier = readIdentifier(db)?.trained.identifier ?? null
  const rows = db
    .prepare(
      `SELECT u.language, v.text AS reference, v.spans, h.text AS hypothesis FROM utterance u
       JOIN revision v ON v.id = ${newestHumanText('u.id')}
       JOIN hypothesis h ON h.utterance_id = u.id AND h.model_id = ? AND h.checkpoint_id IS NULL AND h.rank = 1
                         AND ${fitsSpanSql('h', 'u')}
       WHERE u.merged_into IS NULL AND v.spans <> '[]'`,
    )
    .all(modelId) as {
    language: string | null
    reference: string
    spans: string
    hypothesis: string
  }[]
  const counts = new Map<string, number>()
  for (const row of rows) {
    const ref = tokensWithLanguage(
      row.reference,
      JSON.parse(row.spans) as LanguageSpan[],
      row.language ?? matrixDefault,
      (w) => normalizeWords(w, rules),
    )
    const flank = new Set<number>()
    ref.forEach((t, i) => {
      const before = ref[i - 1]
      if (before && before.lang !== t.lang) flank.add(i - 1).add(i)
    })
    if (flank.size === 0) continue
    let i = 0
    for (const op of align(
      ref.map((t) => t.token),
      normalizeWords(row.hypothesis, rules),
    ).ops) {
      if (op.op === 'ins') continue
      const here = i++
      if (!flank.has(here)) continue
      const lang = ref[here]!.lang
      const read =
        op.op === 'ok'
          ? lang
          : op.op === 'del'
            ? '(deleted)'
            : (identifier?.suggest([op.hyp!])[0]?.lang ?? 'unknown')
      const key = `${lang}\u0000${read}`
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
  }
  return [...counts]
    .map(([key, count]) => {
      const [reference, hypothesis] = key.split('\u0000') as [string, string]
      return { reference, hypothesis, count }
    })
    .sort(
      (a, b) => a.reference.localeCompare(b.reference) || a.hypothesis.localeCompare(b.hypothesis),
    )
}
