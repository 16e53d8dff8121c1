/** The annotation queue and the editor's view of an utterance. */
import type { PrefillDecision } from '../metrics/prefill'
import type { WordTime } from '../word-time'
import type { PriorityReason } from './adapt'
import type { ConsentState } from './consent'
import type { ReturnedNote } from './discuss'
import type { Utterance, UtteranceStatus } from './project'
import type { MachineImportOrigin, RevisionInfo } from './provenance'

/** Why an annotator set an utterance aside. */
export const flagReasons = ['noise', 'other_language', 'overlap', 'unintelligible'] as const
export type FlagReason = (typeof flagReasons)[number]

/**
 * A clip marked noisy but usable: transcribed and kept in the work, with a quality mark for
 * whoever trains or exports (a flag sets it aside instead). Who marked it, and when.
 */
export interface NoisyMark {
  by: string
  at: string
}

export const annotatorRoles = ['annotator', 'reviewer', 'lead'] as const
export type AnnotatorRole = (typeof annotatorRoles)[number]

export interface Annotator {
  id: number
  name: string
  role: AnnotatorRole
  languages: string[]
}

/** The orders the queue can be served in; each is backed by an index. */
export const queueOrders = ['priority', 'confidence', 'file', 'duration', 'speaker'] as const
export type QueueOrder = (typeof queueOrders)[number]

export interface QueueFilter {
  status?: UtteranceStatus[]
  speakers?: string[]
  languages?: string[]
  minConfidence?: number
  maxConfidence?: number
  hasHypothesis?: boolean
}

export interface QueueItem extends Omit<Utterance, 'text' | 'textSource' | 'machineOutput'> {
  /** Confidence of the current best hypothesis, or null when no model has labelled it. */
  confidence: number | null
  /** The newest revision's text, else the best hypothesis's. */
  text: string | null
  draft: boolean
  /** The text is machine output an import brought, for a person to correct (not a person's draft). */
  machineImport: boolean
  /** Position in the "most useful first" order, and why; null once transcribed. */
  priority: number | null
  priorityReason: PriorityReason | null
  /** A reviewer rejected it and nobody has decided it since. */
  returned: boolean
}

export interface QueuePage {
  offset: number
  items: QueueItem[]
  /** The whole filtered queue's size; null when the call did not ask for counts. */
  total: number | null
  /** Utterances left out because their speaker has no valid consent to annotation (or is unknown). */
  withoutConsent: number | null
}

export interface QueueFacets {
  statuses: { status: UtteranceStatus; count: number }[]
  speakers: { code: string; count: number }[]
  languages: { language: string; count: number }[]
}

/**
 * Why a hypothesis is only a reference, never a transcript (docs/models.md): its head writes
 * phones, or it does not write the utterance's language.
 */
export type ReferenceReason = 'phones' | 'language'

export interface Hypothesis {
  id: number
  rank: number
  text: string
  /** P(word right) averaged over its words when `calibrated`, else the model's raw score. */
  confidence: number | null
  /** One per word of `text`, in [0, 1]. */
  wordConfidences: number[]
  /** Confidences are calibrated on the dev split (probabilities), not the model's raw scores. */
  calibrated: boolean
  /** One per word of `text`, in seconds from the start of the recording. */
  wordTimes: WordTime[]
  modelName: string
  /** Non-null: shown as a read-only reference, never put in the text field or accepted. */
  reference: ReferenceReason | null
}

export interface UtteranceDetail {
  utterance: Utterance & {
    confidence: number | null
    flagReason: FlagReason | null
    noisy: NoisyMark | null
  }
  recording: { id: number; originalName: string; durationSec: number }
  speaker: { code: string; annotationConsent: ConsentState } | null
  /** The N-best of the current model, best first; empty before labelling. */
  hypotheses: Hypothesis[]
  /** The newest revision, draft or not. */
  head: RevisionInfo | null
  revisionCount: number
  /** The reviewer's rejection that sent it back, until someone decides it again. */
  returned: ReturnedNote | null
  /** Neighbouring utterances of the same recording, for merging. */
  previousId: number | null
  nextId: number | null
  /** Where the words of the shown text lie in time, for the word tier; null when unknown. */
  wordTier: WordTier | null
  /**
   * Machine output an import brought to be corrected, while no person has saved a transcript
   * since (their drafts aside): the text the editor starts from, and where it came from.
   */
  machineImport: MachineImportOrigin | null
  /**
   * With no revision yet and a transcript to offer: whether the editor starts from the model's
   * best hypothesis or from an empty field (docs/ui.md, "Started empty"); null otherwise.
   */
  start: PrefillDecision | null
}

/**
 * Where the word tier's times come from (docs/tiers.md): a person's moved boundaries (or a
 * file's times) stored with the revision, forced alignment of the revision's text after its
 * save, or the model's hypothesis (whose words may differ from the text: the editor keeps the
 * times of the words the text kept).
 */
export type WordTierSource = 'revision' | 'alignment' | 'hypothesis'

export interface WordTier {
  source: WordTierSource
  words: WordTime[]
  /** Who set them ('revision': the revision's annotator, or the file it was imported from). */
  by: string | null
}
