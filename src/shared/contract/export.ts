/** The export room's call: a consented dataset (docs/export.md). */
import { z } from 'zod'
import type { ExportCounts } from '../domain'
import {
  consentScopes,
  defaultExportSources,
  defaultExportStatuses,
  exportAudios,
  exportFormatFor,
  exportFormatNames,
  exportFormats,
  revisionSourceKinds,
  utteranceStatuses,
} from '../domain'
import { call, id, languageTag, localPath, utteranceStatus } from './fields'

/** An export format by its name or a short form people type; an unknown one lists the names. */
const exportFormatName = z
  .string()
  .max(40)
  .transform((name, ctx) => {
    const format = exportFormatFor(name)
    if (format) return format
    ctx.addIssue({
      code: 'custom',
      message: `no export format "${name.slice(0, 40)}": the formats are ${exportFormatNames()}`,
    })
    return z.NEVER
  })

/** What an export takes: the choices a preview and the export itself share. */
const selectionFields = {
  /** The use the export is for: only speakers who consent to it are in it. */
  use: z.enum(consentScopes),
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
  /** Include the model's text that an annotator accepted unchanged and no reviewer approved. */
  includeAccepted: z.boolean().default(false),
}

export const exportContract = {
  'export.preview': call<ExportCounts>()(
    z.object({ actorId: id, ...selectionFields }).strict(),
    'Count what an export with these choices would hold (utterances, minutes, speakers) and what it would leave out and why, writing nothing (lead only).',
  ),
  'export.start': call<{ jobId: string }>()(
    z
      .object({
        actorId: id,
        ...selectionFields,
        /** A new or empty folder on the machine that runs the core. */
        dir: localPath,
        /** Names as people type them too: `hf`, `cv`, `Common-Voice`; each kept once. */
        formats: z
          .array(exportFormatName)
          .min(1)
          .max(exportFormats.length * 2)
          .transform((f) => [...new Set(f)]),
        licence: z.string().trim().min(1).max(200).nullable().default(null),
      })
      .strict(),
    'Export a consented dataset (formats, audio, datasheet, manifest) as a background job (lead only).',
  ),
} as const
