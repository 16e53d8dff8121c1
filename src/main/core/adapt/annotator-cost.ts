import type { AnnotatorCostCurve, AnnotatorCostPoint } from '../../../shared/domain'
import { editCost } from '../../../shared/metrics/edit-cost'
import type { ReadDb } from '../db/connection'
import { annotatorText } from '../provenance/human-text'

interface Correction {
  minutes: number
  language: string
  edits: number
  length: number
  keystrokes: number
  typing: number
}

/**
 * Every correction in the order it was saved: the first final revision an annotator wrote for
 * an utterance, against the hypothesis it started from (the text shown; nothing shown costs a
 * full typing).
 */
function corrections(db: ReadDb): Correction[] {
  const rows = db
    .prepare(
      `SELECT v.text, h.text AS shown, (u.end_sec - u.start_sec) / 60.0 AS minutes,
              COALESCE(u.language, json_extract(r.languages, '$[0]'),
                       (SELECT value FROM project_meta WHERE key = 'default_language'), 'und') AS language
       FROM revision v
       JOIN utterance u ON u.id = v.utterance_id
       JOIN recording r ON r.id = u.recording_id
       LEFT JOIN hypothesis h ON h.id = v.hypothesis_id
       WHERE v.id = (SELECT min(w.id) FROM revision w WHERE w.utterance_id = v.utterance_id
                     AND ${annotatorText('w')})
         AND u.status IN ('corrected', 'reviewed')
       ORDER BY v.id`,
    )
    .all() as { text: string; shown: string | null; minutes: number; language: string }[]
  return rows.map((r) => {
    const c = editCost(r.shown ?? '', r.text)
    return {
      minutes: r.minutes,
      language: r.language,
      edits: c.edits,
      length: c.length,
      keystrokes: c.keystrokes,
      typing: c.typingKeystrokes,
    }
  })
}

/** Corrections in stretches of about `binMinutes` corrected minutes each. */
export function costCurve(list: Correction[], binMinutes: number): AnnotatorCostPoint[] {
  const points: AnnotatorCostPoint[] = []
  let minutes = 0
  let bin = { corrections: 0, minutes: 0, edits: 0, length: 0, keystrokes: 0, typing: 0 }
  const flush = (): void => {
    if (bin.corrections === 0) return
    points.push({
      minutes,
      corrections: bin.corrections,
      cost: bin.length ? bin.edits / bin.length : bin.edits ? 1 : 0,
      keystrokeShare: bin.typing ? bin.keystrokes / bin.typing : 0,
    })
    bin = { corrections: 0, minutes: 0, edits: 0, length: 0, keystrokes: 0, typing: 0 }
  }
  for (const c of list) {
    minutes += c.minutes
    bin.corrections++
    bin.minutes += c.minutes
    bin.edits += c.edits
    bin.length += c.length
    bin.keystrokes += c.keystrokes
    bin.typing += c.typing
    if (bin.minutes >= binMinutes) flush()
  }
  flush()
  return points
}

/** A stretch is a tenth of what has been corrected, at least half a minute. */
export function annotatorCost(db: ReadDb): AnnotatorCostCurve {
  const list = corrections(db)
  const total = list.reduce((s, c) => s + c.minutes, 0)
  const bin = Math.max(0.5, total / 10)
  const languages = [...new Set(list.map((c) => c.language))].sort()
  return {
    corrections: list.length,
    points: costCurve(list, bin),
    byLanguage: languages.map((language) => ({
      language,
      points: costCurve(
        list.filter((c) => c.language === language),
        bin,
      ),
    })),
  }
}
