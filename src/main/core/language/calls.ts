import type { languageContract } from '../../../shared/contract/language'
import type { CallContext, CallTable } from '../call-context'
import { projectRules, updateProjectRules } from './rules'
import { languageTokens } from './tokens'

type Calls = keyof typeof languageContract

/** Scripts and language tags of words, and the project's text normalisation rules. */
export function languageCalls(ctx: CallContext): CallTable<Calls> {
  const { db } = ctx
  return {
    'language.tokens': async (input) =>
      languageTokens(
        db,
        'utteranceId' in input
          ? { utteranceId: input.utteranceId, viewerId: input.actorId ?? null }
          : { text: input.text, spans: input.spans },
      ),
    'normalization.get': async () => projectRules(db),
    'normalization.update': async (patch) => updateProjectRules(db, patch),
  }
}
