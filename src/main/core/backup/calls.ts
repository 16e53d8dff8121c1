import type { backupContract } from '../../../shared/contract/backup'
import type { CallContext, CallTable } from '../call-context'
import { backupProject } from './backup'

type Calls = keyof typeof backupContract

/** A lead's backup button: the same online copy as `sauti backup`, into a new folder. */
export function backupCalls(ctx: CallContext, version: string): CallTable<Calls> {
  return {
    'backup.create': async ({ dir }) =>
      backupProject({
        db: ctx.db,
        paths: ctx.paths,
        projectId: ctx.project.id,
        dataDir: ctx.dataDir,
        out: dir,
        version,
      }),
  }
}
