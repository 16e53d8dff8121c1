/** The provenance room's calls: the audit log, an utterance's history and the hash chains. */
import { z } from 'zod'
import type { AuditEntry, AuditReport, Page, RevisionHistoryEntry } from '../domain'
import { call, id, pageInput } from './fields'

export const provenanceContract = {
  'audit.verify': call<AuditReport>()(
    z.object({}).strict(),
    "Re-verify every utterance's revision hash chain; names each broken utterance and revision.",
  ),
  'audit.log': call<Page<AuditEntry>>()(
    z
      .object({
        utteranceId: id.optional(),
        includeDrafts: z.boolean().default(false),
        ...pageInput,
      })
      .strict(),
    'The revision history of the project: who or what wrote each label, from what, when.',
  ),
  'utterance.history': call<RevisionHistoryEntry[]>()(
    z.object({ id }).strict(),
    "An utterance's revisions with their sources, word diffs to their parents and chain checks.",
  ),
} as const
