/** The corpus import room's call: existing annotation with its audio. */
import { z } from 'zod'
import { call, id, localPath, machineOutput } from './fields'

export const corpusImportContract = {
  'annotation.import': call<{ jobId: string }>()(
    z
      .object({
        /** .eaf, .TextGrid, Common Voice .tsv, CSV/TSV manifests, or Kaldi data folders. */
        paths: z.array(localPath).min(1).max(10_000),
        /** ELAN or Praat tiers to read (default: every top-level / interval tier). */
        tiers: z.array(z.string().min(1).max(200)).max(200).optional(),
        /** The files' transcripts are machine output to correct, not people's. */
        machineOutput: machineOutput.optional(),
        /** Who imports, recorded with machine output (a team account's own profile). */
        actorId: id.optional(),
      })
      .strict(),
    'Import existing annotation with its audio as a background job; each file whole or not at all.',
  ),
} as const
