import type { searchContract } from '../../../shared/contract/search'
import type { CallContext, CallTable } from '../call-context'
import { searchUtterances } from './query'
import { forgetSearch, savedSearches, saveSearch } from './saved'

/** Search over transcripts and saved filters (docs/search.md). */
export function searchCalls(ctx: CallContext): CallTable<keyof typeof searchContract> {
  const { db } = ctx
  return {
    'search.utterances': async ({ filter, actorId, offset, limit }) =>
      searchUtterances(db, { filter, viewer: actorId ?? null, offset, limit }),
    'search.saved': async ({ actorId }) => savedSearches(db, actorId),
    'search.save': async (input) => saveSearch(db, input),
    'search.forget': async ({ actorId, id }) => ({ forgotten: forgetSearch(db, actorId, id) }),
  }
}
