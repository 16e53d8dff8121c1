/** Search over transcripts and the data view's filters (docs/search.md). */
import type { FlagReason } from './annotate'
import type { Page, UtterancePlace, UtteranceStatus } from './project'
import type { RevisionSourceKind } from './provenance'

/** What the data view can be filtered by; every field left out does not filter. */
export interface SearchFilter {
  /** Words to find in the current transcript; "quoted words" as a phrase; the last word as a prefix. */
  text?: string
  /** Match diacritics exactly (café is not cafe); by default they are ignored. */
  exactDiacritics?: boolean
  status?: UtteranceStatus[]
  languages?: string[]
  speakers?: string[]
  /** Annotator profiles who wrote any revision of the utterance. */
  annotators?: number[]
  /** Profiles who reviewed any revision of the utterance. */
  reviewers?: number[]
  flags?: FlagReason[]
  /** Only clips marked noisy but usable (true), or only those not marked (false). */
  noisy?: boolean
  /** The current transcript's date, from and to (inclusive), as YYYY-MM-DD. */
  from?: string
  to?: string
}

/** A run of a transcript, marked where it matched the search. */
export interface SearchPiece {
  text: string
  match: boolean
}

export interface SearchHit extends UtterancePlace {
  utteranceId: number
  flagReason: FlagReason | null
  /** Marked noisy but usable. */
  noisy: boolean
  /** The current transcript in pieces, matches marked; empty when there is no transcript. */
  pieces: SearchPiece[]
  /** Who or what wrote the current transcript, and when; null without one. */
  source: RevisionSourceKind | null
  writer: string | null
  writtenAt: string | null
}

export type SearchPage = Page<SearchHit>

export interface SavedSearch {
  id: number
  name: string
  filter: SearchFilter
  createdAt: string
}
