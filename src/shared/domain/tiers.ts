/** A project's own tiers under the waveform (docs/tiers.md): translation, gloss, notes. */

/** Time-aligned (intervals inside the utterance) or one text per utterance. */
export const tierKinds = ['time', 'utterance'] as const
export type TierKind = (typeof tierKinds)[number]

/**
 * Names a project tier cannot take, in any case: the ELAN and Praat exports name their own tiers
 * and linguistic types so (`<speaker> - words`, `<speaker> - language`, types `utterance`,
 * `word`, `language`), and a project tier of the same name would clash with them in the files.
 */
export const reservedTierNames = ['utterance', 'word', 'words', 'language'] as const

export const isReservedTierName = (name: string): boolean =>
  (reservedTierNames as readonly string[]).includes(name.trim().toLowerCase())

export interface ProjectTier {
  id: number
  name: string
  kind: TierKind
  position: number
}

/** A stretch of a tier's text, in seconds from the start of the recording. */
export interface TierInterval {
  start: number
  end: number
  text: string
}

/** A tier's current text on one utterance, and who or what wrote it when. */
export interface TierText {
  tierId: number
  utteranceId: number
  intervals: TierInterval[]
  /** The writer's profile name, or the file it was imported from. */
  by: string
  at: string
}
