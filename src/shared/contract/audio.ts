/** The audio room's calls: importing audio, waveform peaks and spectrograms. */
import { z } from 'zod'
import type { ImportPreview, Peaks, Spectrogram } from '../domain'
import { call, id, localPath, machineOutput, seconds } from './fields'

export const audioContract = {
  'import.start': call<{ jobId: string }>()(
    z
      .object({
        /** Files, folders of clips, or manifests (.tsv/.csv) on the machine that runs the core. */
        paths: z.array(localPath).min(1).max(10_000),
        /** The manifests' transcripts are machine output to correct, not people's. */
        machineOutput: machineOutput.optional(),
        /** Who imports, recorded with machine output (a team account's own profile). */
        actorId: id.optional(),
      })
      .strict(),
    'Import audio (clips, a long recording, a folder or a manifest) as a background job.',
  ),
  'import.preview': call<ImportPreview>()(
    z.object({ paths: z.array(localPath).min(1).max(10_000) }).strict(),
    'What importing these paths would bring (files, minutes, speakers, languages, problems), read from headers and manifests without importing anything.',
  ),
  'recording.peaks': call<Peaks>()(
    z
      .object({
        id,
        /** The caller's budget: the finest cached level with at most this many peaks is returned. */
        maxPeaks: z.number().int().min(100).max(2_000_000).default(20_000),
      })
      .strict(),
    'Precomputed waveform peaks of a recording at the finest level that fits the budget.',
  ),
  'recording.spectrogram': call<Spectrogram>()(
    z
      .object({
        id,
        startSec: seconds,
        endSec: seconds,
        /** Frames the caller will draw: the window is resampled to at most this many. */
        maxFrames: z.number().int().min(16).max(8192).default(1024),
      })
      .strict()
      .refine((w) => w.endSec > w.startSec && w.endSec - w.startSec <= 600, {
        message: 'a spectrogram window must be longer than 0 and at most 600 s',
      }),
    'A log-magnitude spectrogram of a window of a recording, computed in an audio worker.',
  ),
} as const
