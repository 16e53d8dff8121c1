import type { CallContext, CallTable } from '../call-context'
import { auditLog, revisionHistory, verifyProject } from './audit'

type Calls = 'audit.verify' | 'audit.log' | 'utterance.history'

/** Who or what wrote each label, from what, when; and whether the hash chains still verify. */
export function provenanceCalls(ctx: CallContext): CallTable<Calls> {
  const { db } = ctx
  return {
    'audit.verify': async () => verifyProject(db),
    'audit.log': async (input) => auditLog(db, input),
    'utterance.history': async ({ id }) => revisionHistory(db, id),
  }
}
