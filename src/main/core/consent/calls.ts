import type { CallResult, ParsedInput } from '../../../shared/contract'
import type { AudioWorkers } from '../audio/audio-workers'
import { importAnnotations } from '../corpus-import/import-annotations'
import type { Db } from '../db/connection'
import type { EventBus } from '../events'
import { ExportDir } from '../export/export-dir'
import { runExport } from '../export/run-export'
import type { Jobs } from '../jobs'
import type { ProjectPaths } from '../project/paths'
import { auditLog, revisionHistory, verifyProject } from '../provenance/audit'
import { purgeSpeakerAudio, listPurges } from './purge'
import { grantConsent, listConsent, withdraw } from './records'
import {
  assignSpeaker,
  createSpeaker,
  listSpeakers,
  mergeSpeakers,
  updateSpeaker,
} from './registry'
import { actor, requireLead } from './roles'

type Calls =
  | 'speaker.list'
  | 'speaker.create'
  | 'speaker.update'
  | 'speaker.merge'
  | 'speaker.assign'
  | 'consent.list'
  | 'consent.grant'
  | 'consent.withdraw'
  | 'consent.purge'
  | 'consent.purges'
  | 'audit.verify'
  | 'audit.log'
  | 'utterance.history'
  | 'export.start'
  | 'annotation.import'

export interface StewardshipContext {
  db: Db
  paths: ProjectPaths
  projectId: string
  jobs: Jobs
  events: EventBus
  audioWorkers: AudioWorkers
}

/**
 * The contract calls for speakers, consent, provenance, export and annotation import, kept
 * beside their services so the workbench only spreads them into its table. Role checks live in
 * the services (so a script calling them directly is checked too).
 */
export function stewardshipCalls(ctx: StewardshipContext): {
  [M in Calls]: (input: ParsedInput<M>) => Promise<CallResult<M>>
} {
  const { db, paths, jobs, events } = ctx
  const changed = (what: ('recordings' | 'utterances')[]): void =>
    events.emit('project.changed', { projectId: ctx.projectId, what })
  return {
    'speaker.list': async () => listSpeakers(db),
    'speaker.create': async ({ by, ...fields }) => {
      actor(db, by)
      return createSpeaker(db, fields)
    },
    'speaker.update': async ({ by, id, ...fields }) => {
      actor(db, by)
      return updateSpeaker(db, id, fields)
    },
    'speaker.merge': async ({ by, sourceId, targetId }) => {
      requireLead(db, by, 'merge speakers')
      const merged = mergeSpeakers(db, sourceId, targetId)
      changed(['recordings', 'utterances'])
      return merged
    },
    'speaker.assign': async ({ by, speakerId, recordingIds, utteranceIds }) => {
      requireLead(db, by, 'assign speakers')
      const assigned = assignSpeaker(db, speakerId, { recordingIds, utteranceIds })
      changed(['recordings', 'utterances'])
      return assigned
    },
    'consent.list': async ({ speakerId }) => listConsent(db, speakerId ?? null),
    'consent.grant': async (input) => {
      const records = await grantConsent(db, paths, input)
      changed(['utterances'])
      return records
    },
    'consent.withdraw': async (input) => {
      const summary = withdraw(db, input)
      changed(['utterances'])
      return summary
    },
    'consent.purge': async (input) => {
      const record = await purgeSpeakerAudio(db, paths, input)
      changed(['recordings', 'utterances'])
      return record
    },
    'consent.purges': async () => listPurges(db),
    'audit.verify': async () => verifyProject(db),
    'audit.log': async (input) => auditLog(db, input),
    'utterance.history': async ({ id }) => revisionHistory(db, id),
    'export.start': async (request) => {
      // Refused before the job starts, so the caller hears it at once.
      requireLead(db, request.by, 'export')
      await ExportDir.check(request.dir, paths.root)
      const jobId = jobs.start(
        'export',
        `Export for ${request.use} to ${request.dir}`,
        async (job) => {
          const exported = await runExport(
            { db, paths, projectId: ctx.projectId, workers: ctx.audioWorkers },
            request,
            {
              signal: job.signal,
              onProgress: (done, total, label) => job.progress(done, total, label),
            },
          )
          return exported ? { exported } : {}
        },
      )
      return { jobId }
    },
    'annotation.import': async ({ paths: inputs, tiers }) => {
      const label =
        inputs.length === 1
          ? `Import annotation ${inputs[0]}`
          : `Import ${inputs.length} annotation files`
      const jobId = jobs.start('annotation-import', label, async (job) => {
        const annotations = await importAnnotations(
          { db, paths, workers: ctx.audioWorkers },
          inputs,
          tiers ? { tiers } : {},
          {
            signal: job.signal,
            onProgress: (done, total, current) => job.progress(done, total, current),
          },
        )
        if (annotations.imported.length) changed(['recordings', 'utterances'])
        return { annotations }
      })
      return { jobId }
    },
  }
}
