/** The backup room's calls (docs/deploy.md, "Backups"). */
import { z } from 'zod'
import type { BackupSummary } from '../domain'
import { call, localPath } from './fields'

export const backupContract = {
  'backup.create': call<BackupSummary>()(
    z.object({ dir: localPath }).strict(),
    "An online, consistent copy of the project (database, audio, models' manifests) into a new folder, while the server runs (leads).",
  ),
} as const
