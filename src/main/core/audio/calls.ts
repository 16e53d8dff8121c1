import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { audioContract } from '../../../shared/contract/audio'
import type { Peaks, Recording } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { CallContext, CallTable } from '../call-context'
import { assertNotPurged } from '../consent/purge'
import type { WriteDb } from '../db/connection'
import { originalPath, peaksPath, type ProjectPaths } from '../project/paths'
import { getRecording } from '../project/queries'
import { machineImport } from '../provenance/import-revision'
import { expandImportPaths, importItems } from './importer'
import { decodePeaks, pickLevel } from './peaks'
import { previewImport } from './preview'
import { said } from '../../../shared/messages'

type Calls = keyof typeof audioContract

/** A recording whose audio is still in the project (not purged at a speaker's request). */
function audible(db: WriteDb, id: number): Recording {
  const recording = getRecording(db, id)
  assertNotPurged(db, id)
  return recording
}

/** The stored original of a recording, for the hosts' media streaming. */
export function mediaFile(
  db: WriteDb,
  paths: ProjectPaths,
  recordingId: number,
): { path: string; format: Recording['format'] } {
  const recording = audible(db, recordingId)
  return {
    path: originalPath(paths, recording.sha256, recording.format),
    format: recording.format,
  }
}

/** Importing audio, and what the editor draws of it: peaks and spectrograms. */
export function audioCalls(ctx: CallContext): CallTable<Calls> {
  const { db, paths, jobs } = ctx
  return {
    'import.start': async ({ paths: inputs, machineOutput, actorId }, caller) => {
      const title =
        inputs.length === 1
          ? said('importJob', { path: inputs[0]! })
          : said('importJobs', { n: inputs.length })
      // Refused before the job starts: an unknown profile cannot be recorded as the importer.
      const machine = machineImport(db, machineOutput, actorId)
      const jobId = jobs.start(
        'import',
        title,
        async (job) => {
          const { items, rejected } = await expandImportPaths(inputs)
          const workers = ctx.audioWorkers
          const summary = await importItems({ db, paths, workers, machine }, items, {
            signal: job.signal,
            onProgress: job.progress,
          })
          summary.rejected.unshift(...rejected)
          if (summary.imported > 0) ctx.projectChanged(['recordings', 'utterances'])
          return { summary }
        },
        {
          startedBy: caller,
          input: { paths: inputs, ...(machineOutput ? { machineOutput } : {}) },
        },
      )
      return { jobId }
    },
    'import.preview': async ({ paths: inputs }) => previewImport(db, inputs),
    'recording.peaks': async ({ id, maxPeaks }): Promise<Peaks> => {
      const recording = audible(db, id)
      let bytes: Buffer
      try {
        bytes = await readFile(peaksPath(paths, recording.sha256))
      } catch {
        throw SautiError.saying('not_found', 'peaksMissing', { id })
      }
      const level = pickLevel(decodePeaks(new Uint8Array(bytes)), maxPeaks)
      return {
        recordingId: id,
        durationSec: recording.durationSec,
        peaksPerSecond: level.peaksPerSecond,
        data: Array.from(level.data, (v) => Math.round((v / 65535) * 1e4) / 1e4),
      }
    },
    'recording.spectrogram': async ({ id, startSec, endSec, maxFrames }) => {
      const recording = audible(db, id)
      return ctx.audioWorkers.spectrogram(join(paths.pcmDir, `${recording.sha256}.f32`), {
        recordingId: id,
        startSec,
        endSec,
        maxFrames,
      })
    },
  }
}
