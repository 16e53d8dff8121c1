/** The tiers room's calls: a project's own tiers and their text per utterance (docs/tiers.md). */
import { z } from 'zod'
import type { ProjectTier, TierText } from '../domain'
import { tierKinds } from '../domain'
import { call, id, seconds } from './fields'

/** A tier's text and name, as a person writes them and as an imported file must hold them. */
export const tierText = z.string().max(4000, 'a tier text may have at most 4,000 characters')
export const tierName = z.string().trim().min(1, 'a tier needs a name').max(60)
/** Intervals of one tier on one utterance. */
export const maxTierIntervals = 1000

export const tiersContract = {
  'tier.list': call<ProjectTier[]>()(z.object({}).strict(), "The project's own tiers, in order."),
  'tier.define': call<ProjectTier>()(
    z
      .object({
        actorId: id,
        name: tierName,
        kind: z.enum(tierKinds),
      })
      .strict(),
    'Add a tier to the project (translation, gloss, notes): time-aligned or one text per utterance (leads).',
  ),
  'tier.texts': call<TierText[]>()(
    z.object({ utteranceId: id }).strict(),
    "The current text of the project's tiers on one utterance, with who wrote it and when.",
  ),
  'tier.write': call<TierText>()(
    z
      .object({
        actorId: id,
        tierId: id,
        utteranceId: id,
        /** A time-aligned tier's intervals, ordered, inside the utterance; one text for the other kind. */
        intervals: z
          .array(z.object({ start: seconds, end: seconds, text: tierText }).strict())
          .max(maxTierIntervals)
          .optional(),
        text: tierText.optional(),
      })
      .strict()
      .refine((w) => (w.intervals === undefined) !== (w.text === undefined), {
        message: 'give either intervals (a time-aligned tier) or text (an utterance tier)',
        path: ['text'],
      }),
    "Write a tier's text on an utterance: a new version, kept with its writer and time.",
  ),
} as const
