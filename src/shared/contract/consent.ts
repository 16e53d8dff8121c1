/** The consent room's calls: the speaker registry, consent records and purges (docs/consent.md). */
import { z } from 'zod'
import type {
  ConsentImportSummary,
  ConsentRecord,
  PurgeRecord,
  Speaker,
  WithdrawalSummary,
} from '../domain'
import { consentScopes } from '../domain'
import { call, id, isoTime, localPath, speakerCode, speakerFields } from './fields'

export const consentContract = {
  'speaker.list': call<Speaker[]>()(
    z.object({}).strict(),
    'The speaker registry: metadata, counts, split and the state of each consent scope now.',
  ),
  'speaker.create': call<Speaker>()(
    z.object({ actorId: id, ...speakerFields, code: speakerCode }).strict(),
    'Register a speaker under a pseudonymous code (any profile).',
  ),
  'speaker.update': call<Speaker>()(
    z.object({ actorId: id, id, ...speakerFields, code: speakerCode.optional() }).strict(),
    "Edit a speaker's code or metadata (any profile); only the fields given change.",
  ),
  'speaker.merge': call<Speaker>()(
    z.object({ actorId: id, sourceId: id, targetId: id }).strict(),
    'Merge a duplicate speaker into another: recordings, utterances and consent move (lead only).',
  ),
  'speaker.assign': call<{ recordings: number; utterances: number }>()(
    z
      .object({
        actorId: id,
        speakerId: id,
        recordingIds: z.array(id).max(10_000).default([]),
        utteranceIds: z.array(id).max(100_000).default([]),
      })
      .strict(),
    'Say who speaks in recordings (and all their utterances) or single utterances (lead only: it changes which consent applies).',
  ),
  'consent.list': call<ConsentRecord[]>()(
    z.object({ speakerId: id.optional() }).strict(),
    'Consent records, newest first, with their state now, evidence and who recorded them.',
  ),
  'consent.grant': call<ConsentRecord[]>()(
    z
      .object({
        actorId: id,
        speakerId: id,
        scopes: z.array(z.enum(consentScopes)).min(1).max(consentScopes.length),
        grantedAt: isoTime,
        expiresAt: isoTime.nullable().default(null),
        /** A scanned form or a recording of oral consent, copied into the project by its sha256. */
        evidencePath: localPath.nullable().default(null),
        evidenceNote: z.string().max(2000).default(''),
      })
      .strict(),
    'Record consent to some scopes (lead only).',
  ),
  'consent.import': call<ConsentImportSummary>()(
    z
      .object({
        actorId: id,
        /**
         * The table: a file on the machine that runs the core (its evidence files are named
         * relative to its folder), or a table's text sent from a browser (no evidence files).
         */
        table: z.union([
          z.object({ path: localPath }).strict(),
          z
            .object({
              name: z.string().trim().min(1).max(255),
              text: z.string().max(5_000_000, 'a consent table may have at most 5 MB'),
            })
            .strict(),
        ]),
        /** Register speakers the table names that the project does not know yet. */
        createSpeakers: z.boolean().default(false),
        /** Check every row and say what would be recorded, without recording anything. */
        dryRun: z.boolean().default(false),
      })
      .strict(),
    'Record consent for many speakers from a CSV or TSV table (speaker, scopes, granted, expires, evidence, note), all rows or none: every bad row is named with its line (lead only).',
  ),
  'consent.withdraw': call<WithdrawalSummary>()(
    z.object({ actorId: id, speakerId: id, scope: z.enum([...consentScopes, 'all']) }).strict(),
    'Withdraw one scope or all, at once: queue, training and exports drop the speaker; checkpoints trained on them are tainted (lead only).',
  ),
  'consent.purge': call<PurgeRecord>()(
    z
      .object({
        actorId: id,
        speakerId: id,
        reason: z.string().max(2000).default(''),
        /** Also purge recordings in which other speakers are heard. */
        includeShared: z.boolean().default(false),
      })
      .strict(),
    "Delete a speaker's audio (originals and caches) at their request, withdrawing all consent and keeping an audit record without the audio (lead only).",
  ),
  'consent.purges': call<PurgeRecord[]>()(z.object({}).strict(), 'The purge audit records.'),
} as const
