import type {
  ConsentScope,
  ExportAudio,
  ExportCounts,
  ExportLeftOutReason,
  ExportStanding,
} from '../../../shared/domain'
import { exportLeftOutReasons } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { requireLead } from '../consent/roles'
import type { WriteDb } from '../db/connection'
import { selectForExport, withoutRecordings, type Selection } from './select'
import type { ExportFilter } from './standing'

/** What an export takes: the choices its preview and its run share. */
export interface ExportChoices extends ExportFilter {
  use: ConsentScope
  audio: ExportAudio
}

/** What an export with given choices holds at one moment, what it leaves out, and why. */
export interface ExportPlan {
  selection: Selection
  counts: ExportCounts
  /** Sentences for the datasheet about what was left out beyond the counts. */
  notes: string[]
}

/** Each reason for leaving an utterance out, in the words of the CLI, the datasheet and errors. */
export const leftOutWords: Record<ExportLeftOutReason, string> = {
  consent: 'no consent to this use',
  machineDraft: "unreviewed machine draft (the model's text, no person saw it)",
  machineImport: 'imported machine output no person has saved yet',
  accepted:
    "machine text accepted as-is (the model's text an annotator accepted unchanged, not reviewed)",
  pending:
    "a person's transcript awaiting a decision (sent back by a reviewer, or its second blind version)",
  untranscribed: 'no transcript',
  flagged: 'flagged',
  skipped: 'skipped',
  status: 'a status not chosen',
  source: 'a label source not chosen',
  reference: "the model's reference, not a transcript",
  sharedRecording: 'whole original shared with speakers without consent',
}

/** Left-out counts in words, most first: "3 flagged, 2 no consent to this use". */
export function leftOutSentence(leftOut: ExportCounts['leftOut']): string {
  return exportLeftOutReasons
    .filter((r) => leftOut[r])
    .sort((a, b) => (leftOut[b] ?? 0) - (leftOut[a] ?? 0))
    .map((r) => `${leftOut[r]} ${leftOutWords[r]}`)
    .join('; ')
}

/**
 * What an export for these choices holds at `now` (docs/export.md, "What goes in"): the
 * selection by status, label source and consent, less whole originals that other speakers
 * without consent are heard in, with its counts. The preview and the run both come here, so the
 * preview's counts are the run's.
 */
export function planExport(db: WriteDb, choices: ExportChoices, now: string): ExportPlan {
  let selection = selectForExport(db, choices.use, choices, now)
  const notes: string[] = []
  const references = referencesNote(selection)
  if (references) notes.push(references)
  const machine = machineOutputNote(selection)
  if (machine) notes.push(machine)
  if (choices.audio === 'originals') {
    // A whole original may hold speech of speakers without consent: such files stay home.
    const shared = new Set(
      [...selection.recordings.values()].filter((r) => !r.wholeConsented).map((r) => r.id),
    )
    if (shared.size) {
      const before = selection.utterances.length
      selection = withoutRecordings(selection, shared)
      notes.push(
        `${before - selection.utterances.length} utterance(s) of ${shared.size} recording(s) left out: those recordings also hold speech of speakers without consent to ${choices.use}, and "originals" copies whole files (export WAV or FLAC segments to include them).`,
      )
    }
  }
  return { selection, counts: countsOf(selection), notes }
}

/** The preview a lead sees before exporting (`export.preview`, `sauti export --dry-run`). */
export function previewExport(
  db: WriteDb,
  request: ExportChoices & { actorId: number },
  now = new Date().toISOString(),
): ExportCounts {
  requireLead(db, request.actorId, 'exportData')
  return planExport(db, request, now).counts
}

/** Refuses an export that would hold nothing, saying what was left out and why. */
export function requireUtterances(plan: ExportPlan, use: ConsentScope): void {
  if (plan.selection.utterances.length) return
  const why = leftOutSentence(plan.counts.leftOut)
  throw new SautiError(
    'validation',
    `nothing to export: no utterance matches the filters with a speaker who consents to ${use}` +
      (why ? ` (left out: ${why})` : '') +
      (plan.notes.length ? `; ${plan.notes.join(' ')}` : '.'),
  )
}

function countsOf(selection: Selection): ExportCounts {
  const standings: Partial<Record<ExportStanding, number>> = {}
  for (const u of selection.utterances) standings[u.standing] = (standings[u.standing] ?? 0) + 1
  return {
    utterances: selection.utterances.length,
    durationSec: selection.utterances.reduce((s, u) => s + u.endSec - u.startSec, 0),
    speakers: selection.speakers.size,
    recordings: selection.recordings.size,
    standings,
    leftOut: { ...selection.leftOut },
    machineOutput: machineOutputBySystem(selection),
  }
}

/** The utterances of imported machine output, by the recogniser named at import, most first. */
function machineOutputBySystem(selection: Selection): ExportCounts['machineOutput'] {
  const bySystem = new Map<string | null, number>()
  for (const m of selection.machineImports)
    bySystem.set(m.system, (bySystem.get(m.system) ?? 0) + 1)
  return [...bySystem]
    .map(([system, utterances]) => ({ system, utterances }))
    .sort((a, b) => b.utterances - a.utterances || (a.system ?? '').localeCompare(b.system ?? ''))
}

/** What the export left out because its only label was a model's reference, by model and reason. */
function referencesNote(selection: Selection): string | null {
  const { references } = selection
  if (references.length === 0) return null
  const groups = new Map<string, number[]>()
  for (const r of references) {
    const key = `${r.model} (${r.reason === 'phones' ? 'writes phones' : "does not write the utterance's language"})`
    groups.set(key, [...(groups.get(key) ?? []), r.utteranceId])
  }
  const named = [...groups]
    .map(([key, ids]) => `${ids.length} by ${key}: utterance(s) ${listIds(ids)}`)
    .join('; ')
  return `${references.length} utterance(s) left out: their only label is a model's reference, not a transcript (${named}).`
}

/** Imported machine output by recogniser, exported or left out (docs/formats.md, "Machine output"). */
function machineOutputNote(selection: Selection): string | null {
  if (selection.machineImports.length === 0) return null
  const exported = new Set(selection.utterances.map((u) => u.id))
  const out = selection.machineImports.filter((m) => !exported.has(m.utteranceId)).length
  const named = machineOutputBySystem(selection)
    .map((m) => `${m.utterances} from ${m.system ?? 'an unnamed recogniser'}`)
    .join(', ')
  const held = selection.machineImports.length - out
  return `${selection.machineImports.length} utterance(s) whose only label is imported machine output no person has saved (${named}): ${held} exported, ${out} left out.`
}

function listIds(ids: number[]): string {
  return ids.length <= 10
    ? ids.join(', ')
    : `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more`
}
