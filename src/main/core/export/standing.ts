/**
 * Where an utterance's label stands for an export, and whether the export's filters keep it: the
 * rules the selection (select.ts) applies to each row before it decides consent.
 */
import type {
  ExportLeftOutReason,
  ExportStanding,
  RevisionSourceKind,
  UtteranceStatus,
} from '../../../shared/domain'
import { exportStatusOf, unfinishedStandings } from '../../../shared/domain'

/** Filters an export applies before consent: which utterances, labelled by whom. */
export interface ExportFilter {
  statuses: UtteranceStatus[]
  /** Label sources kept: a person's revision, an import, or a model (its best hypothesis). */
  sources: RevisionSourceKind[]
  /** Only these languages (empty: all). */
  languages: string[]
  /** Include the model's text that an annotator accepted unchanged and no reviewer approved. */
  includeAccepted?: boolean
}

/** The label an export would take for an utterance: a person's, an import's or a machine's. */
export interface Label {
  text: string
  source: RevisionSourceKind
  spans: string
  /** Imported machine output no person has saved: machine text, whatever its file said. */
  machineImport?: boolean
}

/**
 * Where a label stands (shared/domain `exportStandings`). A person's label is the model's text
 * accepted unchanged when it equals, as stored, the hypothesis its revision started from.
 */
export function standingOf(
  status: UtteranceStatus,
  label: Label | null,
  acceptedAsIs: boolean,
): ExportStanding {
  if (status === 'flagged' || status === 'skipped' || status === 'reviewed') return status
  if (!label) return 'untranscribed'
  if (label.machineImport) return 'machineImport'
  if (label.source === 'import') return 'imported'
  if (label.source === 'model') return 'machineDraft'
  if (status === 'corrected') return acceptedAsIs ? 'accepted' : 'corrected'
  return 'pending'
}

/**
 * A label that is no finished transcript is left out under its standing when its status is not
 * chosen (that says more than `status`); a finished one says `status`.
 */
const standingReasons = new Set<ExportStanding>(unfinishedStandings)

/** Why the filters leave a label out, or null when they keep it (consent is decided after). */
export function filteredOut(
  status: UtteranceStatus,
  label: Label | null,
  standing: ExportStanding,
  filter: ExportFilter,
): ExportLeftOutReason | null {
  const chosen =
    filter.statuses.includes(status) ||
    filter.statuses.includes(exportStatusOf(status, label?.source ?? null))
  if (!chosen) return standingReasons.has(standing) ? (standing as ExportLeftOutReason) : 'status'
  if (!label) return 'untranscribed'
  if (!filter.sources.includes(label.source))
    return standing === 'machineImport' || standing === 'machineDraft' ? standing : 'source'
  if (standing === 'accepted' && !filter.includeAccepted) return 'accepted'
  return null
}
