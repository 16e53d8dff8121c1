import type { discussContract } from '../../../shared/contract/discuss'
import type { CallContext, CallTable } from '../call-context'
import { addComment, commentThread } from './comments'
import { guidelines, saveGuidelines } from './guidelines'

type Calls = keyof typeof discussContract

/** The project's guidelines and the utterances' comment threads (docs/review.md). */
export function discussCalls(ctx: CallContext): CallTable<Calls> {
  const { db } = ctx
  return {
    'guidelines.get': async ({ version }) => guidelines(db, version),
    'guidelines.set': async (input) => saveGuidelines(db, input),
    'comment.list': async ({ utteranceId }) => commentThread(db, utteranceId),
    'comment.add': async (input) => {
      const added = addComment(db, input)
      // Windows with the utterance open hear of it as of any change to the utterance.
      ctx.changed([input.utteranceId])
      return added
    },
  }
}
