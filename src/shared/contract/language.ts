/** The language room's calls: words with their languages, and the normalisation rules. */
import { z } from 'zod'
import type { LanguageTokens } from '../domain'
import type { NormalizationRules } from '../text/normalize'
import { call, id, spans, transcript } from './fields'

export const languageContract = {
  'language.tokens': call<LanguageTokens>()(
    z.union([
      z.object({ utteranceId: id, actorId: id.optional() }).strict(),
      z.object({ text: transcript, spans: spans.default([]) }).strict(),
    ]),
    "Each word with its script and language tag, and a language suggestion for untagged words (by script, else by the project's n-gram identifier); never applied.",
  ),
  'normalization.get': call<NormalizationRules>()(
    z.object({}).strict(),
    "The project's text normalisation rules (storing, searching, scoring).",
  ),
  'normalization.update': call<NormalizationRules>()(
    // Without the stored schema's defaults: a rule left out stays as the project has it.
    z
      .object({
        nukta: z.enum(['keep', 'unify', 'strip']).optional(),
        joiners: z.enum(['keep', 'remove']).optional(),
        arabicLetters: z.enum(['keep', 'persian', 'arabic']).optional(),
        caseFold: z.boolean().optional(),
        punctuation: z.enum(['remove', 'keep']).optional(),
        numerals: z.enum(['keep', 'ascii']).optional(),
      })
      .strict(),
    'Change normalisation rules; unnamed rules stay as they are.',
  ),
} as const
