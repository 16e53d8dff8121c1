/** The discussion room's calls: the project's guidelines and each utterance's comments. */
import { z } from 'zod'
import type { Guidelines, GuidelinesVersion, UtteranceComment } from '../domain'
import { call, id } from './fields'

/** A guidelines document: a long page of Markdown, never a flood. */
export const GUIDELINES_MAX_CHARS = 200_000

const commentText = z
  .string()
  .trim()
  .min(1, 'a comment needs some text')
  .max(4000, 'a comment may have at most 4,000 characters')

export const discussContract = {
  'guidelines.get': call<Guidelines>()(
    z.object({ version: id.optional() }).strict(),
    "The project's annotation guidelines (Markdown): the newest version, or the one asked for, and the list of versions.",
  ),
  'guidelines.set': call<GuidelinesVersion>()(
    z
      .object({
        actorId: id,
        text: z
          .string()
          .max(GUIDELINES_MAX_CHARS, 'the guidelines may have at most 200,000 characters'),
        /** The version the lead started from; another one means someone else saved meanwhile. */
        baseVersionId: id.nullable(),
      })
      .strict(),
    'Save the guidelines as a new version (leads). Refused with "conflict" when another lead saved since.',
  ),
  'comment.list': call<UtteranceComment[]>()(
    z.object({ utteranceId: id }).strict(),
    "An utterance's comment thread, oldest first, rejections by reviewers included.",
  ),
  'comment.add': call<UtteranceComment>()(
    z.object({ utteranceId: id, actorId: id, text: commentText }).strict(),
    "Add a comment to an utterance's thread, as the acting profile.",
  ),
} as const
