/** Linguist review, agreement and adjudication (docs/review.md). */
import type { AnnotatorRole, FlagReason, NoisyMark } from './annotate'
import type { ErrorRate } from './asr'
import type { UtteranceStatus } from './project'
import type { LanguageSpan, RevisionInfo } from './provenance'

/** How double annotation and the reviewer's sample are drawn (docs/review.md). */
export interface ReviewSettings {
  /** Share of utterances sent to two annotators blind to each other (0 turns it off). */
  doubleAnnotationShare: number
  /** Share of accepted (corrected) work that goes to the reviewer's queue. */
  reviewShare: number
  /** Double annotations whose WER between the two versions is above this need adjudication. */
  lowAgreementWer: number
  /** Changes which utterances the deterministic samples pick. */
  seed: number
}

/** Why an utterance is in the reviewer's queue. */
export const reviewReasons = ['flagged', 'low_agreement', 'sampled'] as const
export type ReviewReason = (typeof reviewReasons)[number]

export interface ReviewQueueItem {
  utteranceId: number
  reason: ReviewReason
  status: UtteranceStatus
  recordingName: string
  startSec: number
  endSec: number
  speakerCode: string | null
  language: string | null
  flagReason: FlagReason | null
  /** Marked noisy but usable. */
  noisy: boolean
  /** The newest revision (blind versions are the adjudication view's business). */
  revisionId: number | null
  text: string | null
  annotator: string | null
  /** WER between the two annotators' versions (low agreement only). */
  agreementWer: number | null
  /** The share of the words both wrote that they tagged differently (low agreement only). */
  agreementTags: number | null
}

export interface ReviewQueuePage {
  offset: number
  total: number
  items: ReviewQueueItem[]
}

export const reviewVerdicts = ['approve', 'reject'] as const
export type ReviewVerdictKind = (typeof reviewVerdicts)[number]

export interface ReviewVerdict {
  id: number
  revisionId: number
  reviewer: string
  verdict: ReviewVerdictKind
  comment: string
  createdAt: string
}

/** A revision as the reviewer's history shows it. */
export interface ReviewRevision extends RevisionInfo {
  parentId: number | null
  /** An adjudicated revision's second parent. */
  mergeParentId: number | null
  annotatorRole: AnnotatorRole | null
  tokens: { token: string; script: string }[]
  reviews: ReviewVerdict[]
}

export interface UtteranceReviewHistory {
  utteranceId: number
  status: UtteranceStatus
  flagReason: FlagReason | null
  /** Marked noisy but usable, by whom and when. */
  noisy: NoisyMark | null
  language: string | null
  speaker: {
    code: string
    dialect: string | null
    gender: string | null
    ageBand: string | null
    firstLanguage: string | null
  } | null
  /** Oldest first. */
  revisions: ReviewRevision[]
  /** The hash chain recomputed: the first revision that does not verify, if any. */
  chain: { ok: boolean; brokenAt: number | null }
  doubleAnnotation: {
    annotators: string[]
    agreementWer: number | null
    adjudicatedRevisionId: number | null
  } | null
}

/**
 * Language-tag agreement between two versions (docs/review.md): of the words both wrote
 * (`compared`), how many they tagged with different languages (`differing`).
 */
export interface TagAgreement {
  compared: number
  differing: number
  /** differing / compared; 0 when no word was compared. */
  rate: number
}

/** How far two versions of one utterance agree: their words (WER, CER) and their language tags. */
export interface VersionAgreement {
  wer: number
  cer: number
  tags: number
}

/** Transcript-level agreement of one pair of annotators; the first named is the reference. */
export interface AgreementPair {
  reference: string
  other: string
  utterances: number
  adjudicated: number
  wer: ErrorRate
  cer: ErrorRate
  /** Beside the words: the language tags of the words both wrote. */
  tags: TagAgreement
  byLanguage: { lang: string; wer: ErrorRate }[]
}

export interface AgreementReport {
  /**
   * Utterances sampled for double annotation, by state: waiting for a second version, waiting
   * for adjudication, settled because the versions agreed, adjudicated by a reviewer.
   */
  waiting: number
  pending: number
  agreed: number
  adjudicated: number
  pairs: AgreementPair[]
  /** Each annotator's versions against the adjudicated result (null before any adjudication). */
  byAnnotator: { annotator: string; utterances: number; vsAdjudicated: ErrorRate | null }[]
}

export interface AdjudicationVersion {
  revisionId: number
  annotator: string
  text: string
  spans: LanguageSpan[]
}

/** One column of the aligned word diff; null where a version has no word there. */
export interface AdjudicationColumn {
  index: number
  a: string | null
  b: string | null
  model: string | null
  aLang: string | null
  bLang: string | null
  /**
   * a and b are the same word under the project's normalisation, in the same language (an
   * untagged word is in the utterance's language).
   */
  agree: boolean
}

export interface AdjudicationView {
  utteranceId: number
  /** The newest revision, to detect a change before the result is stored. */
  headRevisionId: number
  a: AdjudicationVersion
  b: AdjudicationVersion
  hypothesis: { id: number; text: string; modelName: string } | null
  columns: AdjudicationColumn[]
  agreement: VersionAgreement
}

export interface AdjudicationResult {
  revision: RevisionInfo & { parentId: number | null; mergeParentId: number | null }
  review: ReviewVerdict
  status: UtteranceStatus
}
