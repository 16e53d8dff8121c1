import type {
  ConsentScope,
  ExportLeftOutReason,
  ExportStanding,
  LanguageSpan,
  ReferenceReason,
  RevisionSourceKind,
  SpeakerGender,
  Split,
  UtteranceStatus,
} from '../../../shared/domain'
import { typedWords } from '../../../shared/text/language-spans'
import { parseWordTimes, type WordTime } from '../../../shared/word-time'
import { fittingWordTimes } from '../annotate/word-tier'
import { fitsSpanSql } from '../asr/decoded-span'
import { referenceReader } from '../asr/head-output'
import { consentedSpeakers } from '../consent/policy'
import type { WriteDb } from '../db/connection'
import { normalizeForStorage, projectRules } from '../language/rules'
import { decision, machineImport } from '../provenance/human-text'
import { filteredOut, standingOf, type ExportFilter, type Label } from './standing'

export interface SelectedUtterance {
  id: number
  recordingId: number
  startSec: number
  endSec: number
  speakerId: number
  language: string | null
  text: string
  spans: LanguageSpan[]
  /** Word times, when the label is (or equals) the model's hypothesis that has them. */
  words: WordTime[]
  source: RevisionSourceKind
  standing: ExportStanding
  split: Split | null
  /** Marked noisy but usable by an annotator (manifest exports carry it as a column). */
  noisy: boolean
}

export interface SelectedRecording {
  id: number
  sha256: string
  format: string
  durationSec: number
  licence: string | null
  /** Every utterance heard in it is by a speaker who consented to this use (see docs/export.md). */
  wholeConsented: boolean
}

export interface SelectedSpeaker {
  id: number
  code: string
  gender: SpeakerGender | null
  ageBand: string | null
  dialect: string | null
  firstLanguage: string | null
}

export interface Selection {
  utterances: SelectedUtterance[]
  recordings: Map<number, SelectedRecording>
  speakers: Map<number, SelectedSpeaker>
  /**
   * What was left out, by reason. `consent` counts utterances that passed the filters but whose
   * speaker lacks the consent (or is unknown); nothing else about them is kept.
   */
  leftOut: Partial<Record<ExportLeftOutReason, number>>
  /**
   * Utterances whose only label is a model's reference, never a transcript (its head writes
   * phones or not the utterance's language; asr/head-output.ts): the hypothesis itself, or a
   * revision that accepted it unchanged. Left out, with the model that wrote it.
   */
  references: { utteranceId: number; model: string; reason: ReferenceReason }[]
  /**
   * Utterances whose only label is imported machine output no person has saved (standing
   * `machineImport`), with the recogniser named at import: exported only when asked for.
   */
  machineImports: { utteranceId: number; system: string | null }[]
}

interface Row {
  id: number
  recording_id: number
  start_sec: number
  end_sec: number
  speaker_id: number | null
  language: string | null
  split: Split | null
  status: UtteranceStatus
  noisy: number
  revision_id: number | null
  revision_text: string | null
  revision_spans: string | null
  revision_source: RevisionSourceKind | null
  /** The hypothesis the label's revision started from, when it names one. */
  revision_hypothesis: number | null
  hypothesis_text: string | null
  hypothesis_times: string | null
  /** Word times set with the revision (schema 18). */
  own_times: string | null
  /** Word times found by aligning the revision's text to the utterance's span as it is now. */
  aligned_times: string | null
  /** The hypothesis a revision started from (or the best one, for a machine label): its head. */
  source_text: string | null
  source_model: number | null
  source_checkpoint: number | null
  source_model_name: string | null
  /** The newest machine output an import brought (an `import` draft), and its recogniser. */
  machine_id: number | null
  machine_text: string | null
  machine_system: string | null
  consented: number
}

/** Spans that still fit their text (ordered, inside it, not overlapping); else none. */
function validSpans(spans: LanguageSpan[], words: number): LanguageSpan[] {
  let previous = 0
  for (const s of spans) {
    if (!(s.start >= previous && s.end > s.start && s.end <= words)) return []
    previous = s.end
  }
  return spans
}

/** Word times (a revision's or the hypothesis's), when they match the label's words one for one. */
function wordTimes(text: string, json: string | null): WordTime[] {
  const times = parseWordTimes(json)
  const words = typedWords(text)
  if (times.length !== words.length) return []
  return words.map((word, i) => ({ word, start: times[i]!.start, end: times[i]!.end }))
}

/**
 * A person's label's word times: their own while they fit the utterance's span (its edges may
 * have moved since), else the alignment of the text to that span; null with neither.
 */
function revisionTimes(text: string, r: Row): WordTime[] | null {
  const span = { startSec: r.start_sec, endSec: r.end_sec }
  const own =
    r.own_times === null ? null : fittingWordTimes(text, parseWordTimes(r.own_times), span)
  return own ?? (r.aligned_times === null ? null : wordTimes(text, r.aligned_times))
}

/**
 * What an export for `use` may contain at `now`: the newest non-draft label of every utterance
 * that passes the filters, from speakers whose consent to `use` holds at `now`, in recordings
 * whose audio has not been purged; and how many were left out, by reason. Consent is decided in
 * the same SQL as the selection (one snapshot), and nothing about a speaker without it (text,
 * times, metadata) leaves this function: only the count of such utterances does.
 */
export function selectForExport(
  db: WriteDb,
  use: ConsentScope,
  filter: ExportFilter,
  now: string,
): Selection {
  const consent = consentedSpeakers(use, now)
  const consented = consent.sql
  const rows = db
    .prepare(
      `SELECT u.id, u.recording_id, u.start_sec, u.end_sec, u.speaker_id, u.language, u.split, u.status,
              u.noisy_marked_at IS NOT NULL AS noisy,
              v.id AS revision_id, v.text AS revision_text, v.spans AS revision_spans,
              v.source_kind AS revision_source,
              v.hypothesis_id AS revision_hypothesis,
              h.text AS hypothesis_text, h.word_times AS hypothesis_times,
              v.word_times AS own_times, wa.word_times AS aligned_times,
              sh.text AS source_text, sh.model_id AS source_model, sh.checkpoint_id AS source_checkpoint,
              sm.name AS source_model_name,
              mi.id AS machine_id, mi.text AS machine_text, mi.machine_system,
              (u.speaker_id IS NOT NULL AND u.speaker_id IN (${consented})) AS consented
       FROM utterance u
       JOIN recording r ON r.id = u.recording_id
       LEFT JOIN revision v ON v.id = (SELECT max(d.id) FROM revision d WHERE d.utterance_id = u.id AND ${decision('d')})
       LEFT JOIN word_alignment wa ON wa.revision_id = v.id AND ${fitsSpanSql('wa', 'u')}
       LEFT JOIN hypothesis h ON h.id = u.hypothesis_id
       LEFT JOIN hypothesis sh ON sh.id = CASE WHEN v.id IS NULL THEN u.hypothesis_id ELSE v.hypothesis_id END
       LEFT JOIN model sm ON sm.id = sh.model_id
       LEFT JOIN revision mi ON mi.id = (SELECT max(m.id) FROM revision m
                                         WHERE m.utterance_id = u.id AND ${machineImport('m')})
       WHERE u.merged_into IS NULL AND r.purged_at IS NULL
         AND (:anyLanguage = 1 OR u.language IN (SELECT value FROM json_each(:languages)))
       ORDER BY u.recording_id, u.start_sec, u.id`,
    )
    .all({
      ...consent.params,
      anyLanguage: filter.languages.length === 0 ? 1 : 0,
      languages: JSON.stringify(filter.languages),
    }) as Row[]
  const selection: Selection = {
    utterances: [],
    recordings: new Map(),
    speakers: new Map(),
    leftOut: {},
    references: [],
    machineImports: [],
  }
  const leave = (reason: ExportLeftOutReason): void => {
    selection.leftOut[reason] = (selection.leftOut[reason] ?? 0) + 1
  }
  const referenceOf = referenceReader(db)
  const rules = projectRules(db)
  for (const r of rows) {
    // Imported machine output stands in for the model's draft: it is what a person corrects.
    const label: Label | null =
      r.revision_text !== null && r.revision_source !== null
        ? { text: r.revision_text, source: r.revision_source, spans: r.revision_spans ?? '[]' }
        : r.machine_text !== null
          ? { text: r.machine_text, source: 'model', spans: '[]', machineImport: true }
          : r.hypothesis_text !== null
            ? { text: r.hypothesis_text, source: 'model', spans: '[]' }
            : null
    const unchanged = (machineText: string | null): boolean =>
      machineText !== null &&
      normalizeForStorage(machineText.trim().replace(/\s+/gu, ' '), rules) === label?.text
    // Machine text a person saved without changing a word: the model's hypothesis their
    // revision started from, or the machine output an import brought before it.
    const acceptedAsIs =
      label?.source === 'annotator' &&
      ((r.revision_hypothesis !== null && unchanged(r.source_text)) ||
        (r.machine_id !== null && r.machine_id < (r.revision_id ?? 0) && unchanged(r.machine_text)))
    const standing = standingOf(r.status, label, acceptedAsIs)
    const filtered = filteredOut(r.status, label, standing, filter)
    // Named by recogniser where it is left out for what it is, or exported.
    const machineImport = { utteranceId: r.id, system: r.machine_system }
    if (filtered === 'machineImport') selection.machineImports.push(machineImport)
    if (filtered || !label) {
      leave(filtered ?? 'untranscribed')
      continue
    }
    if (!r.consented || r.speaker_id === null) {
      leave('consent')
      continue
    }
    // A model's reference is never a transcript, whether stored as its hypothesis or accepted as is.
    const reason =
      r.source_model !== null && r.source_text === label.text
        ? referenceOf({
            modelId: r.source_model,
            checkpointId: r.source_checkpoint,
            language: r.language,
          })
        : null
    if (reason) {
      leave('reference')
      selection.references.push({ utteranceId: r.id, model: r.source_model_name ?? '?', reason })
      continue
    }
    const sameAsHypothesis = label.text === r.hypothesis_text
    if (standing === 'machineImport') selection.machineImports.push(machineImport)
    selection.utterances.push({
      id: r.id,
      recordingId: r.recording_id,
      startSec: r.start_sec,
      endSec: r.end_sec,
      speakerId: r.speaker_id,
      language: r.language,
      text: label.text,
      spans: validSpans(JSON.parse(label.spans) as LanguageSpan[], typedWords(label.text).length),
      words:
        (label.source !== 'model' ? revisionTimes(label.text, r) : null) ??
        (sameAsHypothesis ? wordTimes(label.text, r.hypothesis_times) : []),
      source: label.source,
      standing,
      split: r.split,
      noisy: r.noisy === 1,
    })
  }
  const recordingIds = [...new Set(selection.utterances.map((u) => u.recordingId))]
  const recording = db.prepare(
    `SELECT r.id, r.sha256, r.format, r.duration_sec, r.licence,
            NOT EXISTS (SELECT 1 FROM utterance o WHERE o.recording_id = r.id AND o.merged_into IS NULL
                          AND (o.speaker_id IS NULL OR o.speaker_id NOT IN (${consented})))
            AND (r.speaker_id IS NULL OR r.speaker_id IN (${consented})) AS whole
     FROM recording r WHERE r.id = :id`,
  )
  for (const id of recordingIds) {
    const r = recording.get({ id, ...consent.params }) as {
      id: number
      sha256: string
      format: string
      duration_sec: number
      licence: string | null
      whole: number
    }
    selection.recordings.set(id, {
      id,
      sha256: r.sha256,
      format: r.format,
      durationSec: r.duration_sec,
      licence: r.licence,
      wholeConsented: r.whole === 1,
    })
  }
  const speaker = db.prepare(
    'SELECT id, code, gender, age_band, dialect, first_language FROM speaker WHERE id = ?',
  )
  for (const id of new Set(selection.utterances.map((u) => u.speakerId))) {
    const s = speaker.get(id) as {
      id: number
      code: string
      gender: SpeakerGender | null
      age_band: string | null
      dialect: string | null
      first_language: string | null
    }
    selection.speakers.set(id, {
      id,
      code: s.code,
      gender: s.gender,
      ageBand: s.age_band,
      dialect: s.dialect,
      firstLanguage: s.first_language,
    })
  }
  return selection
}

/** Leaves out utterances of the given recordings (audio modes that cannot include them). */
export function withoutRecordings(selection: Selection, drop: Set<number>): Selection {
  const utterances = selection.utterances.filter((u) => !drop.has(u.recordingId))
  const dropped = selection.utterances.length - utterances.length
  const speakerIds = new Set(utterances.map((u) => u.speakerId))
  return {
    utterances,
    recordings: new Map([...selection.recordings].filter(([id]) => !drop.has(id))),
    speakers: new Map([...selection.speakers].filter(([id]) => speakerIds.has(id))),
    leftOut: dropped
      ? {
          ...selection.leftOut,
          sharedRecording: (selection.leftOut.sharedRecording ?? 0) + dropped,
        }
      : selection.leftOut,
    references: selection.references,
    machineImports: selection.machineImports,
  }
}
