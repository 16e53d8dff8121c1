import type { provenanceContract } from '../../../shared/contract/provenance'
import type { CallContext, CallTable } from '../call-context'
import { auditLog, revisionHistory, verifyProject } from './audit'

type Calls = keyof typeof provenanceContract

/** Who or what wrote each label, from what, when; and whether the hash chains still verify. */
export function provenanceCalls(ctx: CallContext): CallTable<Calls> {
  const { db } = ctx
  return {
    'audit.verify': async () => verifyProject(db),
    'audit.log': async (input) => auditLog(db, input),
    'utterance.history': async ({ id }) => revisionHistory(db, id),
  }
}
