/** The export room's call: a consented dataset (docs/export.md). */
import { z } from 'zod'
import {
  consentScopes,
  defaultExportSources,
  defaultExportStatuses,
  exportAudios,
  exportFormats,
  revisionSourceKinds,
  utteranceStatuses,
} from '../domain'
import { call, id, languageTag, localPath, utteranceStatus } from './fields'

export const exportContract = {
  'export.start': call<{ jobId: string }>()(
    z
      .object({
        actorId: id,
        /** The use the export is for: only speakers who consent to it are in it. */
        use: z.enum(consentScopes),
        /** A new or empty folder on the machine that runs the core. */
        dir: localPath,
        formats: z.array(z.enum(exportFormats)).min(1).max(exportFormats.length),
        audio: z.enum(exportAudios).default('wav'),
        statuses: z
          .array(utteranceStatus)
          .min(1)
          .max(utteranceStatuses.length)
          .default(() => [...defaultExportStatuses]),
        sources: z
          .array(z.enum(revisionSourceKinds))
          .min(1)
          .max(revisionSourceKinds.length)
          .default(() => [...defaultExportSources]),
        languages: z.array(languageTag).max(200).default([]),
        licence: z.string().trim().min(1).max(200).nullable().default(null),
      })
      .strict(),
    'Export a consented dataset (formats, audio, datasheet, manifest) as a background job (lead only).',
  ),
} as const
