/** The search room's calls: transcripts found by their words, filtered, and saved filters. */
import { z } from 'zod'
import type { SavedSearch, SearchPage } from '../domain'
import { flagReasons, utteranceStatuses } from '../domain'
import { call, findControlCharacter, id, languageTag, utteranceStatus } from './fields'

const day = z.iso.date('not a date such as 2026-03-01')

/** The filter, as the data view, the CLI and a saved filter give it. */
export const searchFilter = z
  .object({
    text: z
      .string()
      .max(500)
      .refine((t) => findControlCharacter(t) === null, 'text with a control character')
      .optional(),
    exactDiacritics: z.boolean().optional(),
    status: z.array(utteranceStatus).max(utteranceStatuses.length).optional(),
    languages: z.array(languageTag).max(200).optional(),
    speakers: z.array(z.string().min(1).max(200)).max(500).optional(),
    annotators: z.array(id).max(500).optional(),
    reviewers: z.array(id).max(500).optional(),
    flags: z.array(z.enum(flagReasons)).max(flagReasons.length).optional(),
    noisy: z.boolean().optional(),
    from: day.optional(),
    to: day.optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || f.from <= f.to, {
    message: 'the first day comes after the last',
    path: ['to'],
  })

export const searchContract = {
  'search.utterances': call<SearchPage>()(
    z
      .object({
        filter: searchFilter.default({}),
        /** Who is asking: blind double annotation keeps another annotator's version from them. */
        actorId: id.optional(),
        offset: z.number().int().min(0).max(10_000_000).default(0),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    'Utterances whose current transcript has the words, with the matches marked, filtered by status, language, speaker, annotator, reviewer, flag, noisy mark and date. Speakers without consent to annotation and purged recordings are left out, as in the queue.',
  ),
  'search.saved': call<SavedSearch[]>()(
    z.object({ actorId: id }).strict(),
    "The acting profile's saved filters, by name.",
  ),
  'search.save': call<SavedSearch>()(
    z
      .object({ actorId: id, name: z.string().trim().min(1).max(80), filter: searchFilter })
      .strict(),
    'Save a filter under a name for the acting profile (the same name replaces it).',
  ),
  'search.forget': call<{ forgotten: boolean }>()(
    z.object({ actorId: id, id }).strict(),
    'Delete one of the acting profile’s saved filters.',
  ),
} as const
