/** The annotate room's calls: annotator profiles, the queue and the editor. */
import { z } from 'zod'
import type {
  Annotator,
  ClaimInfo,
  ClaimState,
  NoisyMark,
  QueueFacets,
  QueuePage,
  RevisionInfo,
  Utterance,
  UtteranceDetail,
} from '../domain'
import { annotatorRoles, flagReasons, queueOrders, utteranceStatuses } from '../domain'
import {
  call,
  id,
  languageTag,
  pageInput,
  seconds,
  spans,
  transcript,
  utteranceStatus,
  wordTimes,
} from './fields'

export const annotateContract = {
  'annotator.list': call<Annotator[]>()(
    z.object({}).strict(),
    'Annotator profiles of the project.',
  ),
  'annotator.create': call<Annotator>()(
    z
      .object({
        name: z.string().trim().min(1).max(80),
        role: z.enum(annotatorRoles).default('annotator'),
        languages: z.array(languageTag).max(50).default([]),
      })
      .strict(),
    'Create a local annotator profile; every revision records who made it.',
  ),
  'queue.list': call<QueuePage>()(
    z
      .object({
        order: z.enum(queueOrders).default('confidence'),
        descending: z.boolean().default(false),
        filter: z
          .object({
            status: z.array(utteranceStatus).max(utteranceStatuses.length).optional(),
            speakers: z.array(z.string().min(1).max(200)).max(500).optional(),
            languages: z.array(languageTag).max(200).optional(),
            minConfidence: z.number().min(0).max(1).optional(),
            maxConfidence: z.number().min(0).max(1).optional(),
            hasHypothesis: z.boolean().optional(),
          })
          .strict()
          .default({}),
        /** Also count the whole filtered queue (costs more than the page: ask once per snapshot). */
        counts: z.boolean().default(true),
        /** Who is asking: blind double annotation shows each annotator only their own version. */
        actorId: id.optional(),
        /**
         * Utterances the list already shows above the open one: left out of the ranking and of
         * the counts, so a ranking that changed while someone works applies only below them.
         */
        exclude: z.array(id).max(20_000).optional(),
        ...pageInput,
      })
      .strict(),
    'Utterances to annotate, ranked by the store: least confident first by default. Speakers without consent to annotation are left out.',
  ),
  'queue.facets': call<QueueFacets>()(
    z.object({}).strict(),
    'What the queue can be filtered by, with counts (consented utterances only).',
  ),
  'utterance.get': call<UtteranceDetail>()(
    z.object({ id, actorId: id.optional() }).strict(),
    'One utterance for the editor: hypotheses, newest revision, speaker and consent.',
  ),
  'utterance.save': call<{ revision: RevisionInfo | null; status: Utterance['status'] }>()(
    z
      .object({
        id,
        actorId: id,
        /** The newest revision the editor started from; another one means someone else saved. */
        baseRevisionId: id.nullable(),
        /** The hypothesis the text started from (an N-best pick), for provenance. */
        hypothesisId: id.nullable().default(null),
        text: transcript,
        spans: spans.default([]),
        /** Word times the annotator set on the word tier, one per word of the text (docs/tiers.md). */
        wordTimes: wordTimes.optional(),
        /** An autosave: a revision that does not change the utterance's status. */
        draft: z.boolean().default(false),
        /** What the save does to the utterance; ignored for drafts. */
        status: z.enum(['corrected', 'skipped', 'flagged']).default('corrected'),
        flagReason: z.enum(flagReasons).optional(),
      })
      .strict()
      .refine((s) => s.status !== 'flagged' || s.flagReason !== undefined, {
        message: 'flagging needs a reason',
        path: ['flagReason'],
      }),
    'Save the editor: a revision by the annotator (when the text changed or the save is final) and the new status. Refused with "conflict" when another window saved first.',
  ),
  'utterance.setBounds': call<UtteranceDetail>()(
    z
      .object({ id, actorId: id, startSec: seconds, endSec: seconds })
      .strict()
      .refine((b) => b.endSec - b.startSec >= 0.05, 'an utterance must last at least 50 ms'),
    "Move an utterance's edges. Its hypotheses no longer describe its audio: they are set aside (kept as history) and the next labelling decodes the new span.",
  ),
  'utterance.split': call<{ left: UtteranceDetail; right: UtteranceDetail }>()(
    z
      .object({
        id,
        actorId: id,
        baseRevisionId: id.nullable(),
        atSec: seconds,
        leftText: transcript,
        rightText: transcript,
      })
      .strict(),
    'Split an utterance in two at a time inside it; each half keeps its share of the text.',
  ),
  'utterance.merge': call<UtteranceDetail>()(
    z.object({ id, nextId: id, actorId: id, text: transcript }).strict(),
    'Merge an utterance with the next one of the same recording.',
  ),
  'utterance.claim': call<ClaimState>()(
    z
      .object({
        id,
        actorId: id,
        /** Claim only while the utterance has one of these statuses (moving on through a queue). */
        statuses: z.array(utteranceStatus).max(utteranceStatuses.length).optional(),
      })
      .strict(),
    'Claim an utterance for the annotator opening it, or renew their claim; says who else holds it and its status. A claim lapses after the idle time unless renewed.',
  ),
  'utterance.markNoisy': call<{ noisy: NoisyMark | null }>()(
    z.object({ id, actorId: id, noisy: z.boolean() }).strict(),
    'Mark the clip noisy but usable (it stays in the work, can be transcribed, and exports say so), or take the mark off.',
  ),
  'utterance.release': call<{ released: boolean }>()(
    z.object({ id, actorId: id }).strict(),
    "Give up one's claim on an utterance (leaving it without saving).",
  ),
  'claim.list': call<ClaimInfo[]>()(
    z.object({}).strict(),
    'Who holds which utterance now (leads).',
  ),
  'claim.release': call<{ released: boolean }>()(
    z.object({ utteranceId: id, holderId: id }).strict(),
    "Release someone's claim so the utterance goes back to the queue (leads).",
  ),
} as const
