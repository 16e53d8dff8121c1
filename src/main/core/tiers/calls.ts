import type { tiersContract } from '../../../shared/contract/tiers'
import type { CallContext, CallTable } from '../call-context'
import { defineTier, listTiers, tierTexts, writeTierText } from './tiers'

type Calls = keyof typeof tiersContract

/** A project's own tiers and their text (docs/tiers.md). */
export function tiersCalls(ctx: CallContext): CallTable<Calls> {
  const { db } = ctx
  return {
    'tier.list': async () => listTiers(db),
    'tier.define': async (input) => defineTier(db, input),
    'tier.texts': async ({ utteranceId }) => tierTexts(db, utteranceId),
    'tier.write': async ({ actorId, ...input }) => {
      const written = writeTierText(db, { ...input, by: { actorId } })
      ctx.changed([input.utteranceId])
      return written
    },
  }
}
