/** The project's guidelines and each utterance's comment thread (docs/review.md). */
import type { AnnotatorRole } from './annotate'

/** One saved version of the guidelines document (Markdown). */
export interface GuidelinesVersion {
  id: number
  /** 1 for the first save, then one more per save. */
  number: number
  text: string
  author: string
  createdAt: string
}

export interface Guidelines {
  /** The version asked for, else the newest; null before a lead writes any. */
  shown: GuidelinesVersion | null
  /** Every version, newest first, without their texts. */
  versions: Omit<GuidelinesVersion, 'text'>[]
}

export interface UtteranceComment {
  id: number
  utteranceId: number
  author: string
  authorRole: AnnotatorRole
  text: string
  /** Set when the comment is a reviewer's rejection: the review it came with. */
  reviewId: number | null
  createdAt: string
}

/** A rejection that sent an utterance back and has not been answered by a new decision yet. */
export interface ReturnedNote {
  reviewId: number
  reviewer: string
  comment: string
  at: string
  /** The annotator whose revision was rejected: it comes first in their queue. */
  returnedTo: string | null
}
