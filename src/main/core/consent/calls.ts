import type { consentContract } from '../../../shared/contract/consent'
import type { CallContext, CallTable } from '../call-context'
import { sweepStaging } from '../project/staging'
import { importConsentTable } from './import-table'
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

type Calls = keyof typeof consentContract

/**
 * The speaker registry and consent records. Role checks live in the services (so a script
 * calling them directly is checked too).
 */
export function consentCalls(ctx: CallContext): CallTable<Calls> {
  const { db, paths } = ctx
  const changed = ctx.projectChanged
  return {
    'speaker.list': async () => listSpeakers(db),
    'speaker.create': async ({ actorId, ...fields }) => {
      actor(db, actorId)
      return createSpeaker(db, fields)
    },
    'speaker.update': async ({ actorId, id, ...fields }) => {
      actor(db, actorId)
      return updateSpeaker(db, id, fields)
    },
    'speaker.merge': async ({ actorId, sourceId, targetId }) => {
      requireLead(db, actorId, 'mergeSpeakers')
      const merged = mergeSpeakers(db, sourceId, targetId)
      changed(['recordings', 'utterances'])
      return merged
    },
    'speaker.assign': async ({ actorId, speakerId, recordingIds, utteranceIds }) => {
      requireLead(db, actorId, 'assignSpeakers')
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
    'consent.import': async (input) => {
      const summary = await importConsentTable(db, paths, input)
      if (!input.dryRun) changed(['utterances'])
      return summary
    },
    'consent.withdraw': async (input) => {
      const summary = withdraw(db, input)
      changed(['utterances'])
      return summary
    },
    'consent.purge': async (input) => {
      const record = await purgeSpeakerAudio(db, paths, input)
      // A killed export's folder may hold the speaker's audio: the purge reaches staging too.
      await sweepStaging(paths)
      changed(['recordings', 'utterances'])
      return record
    },
    'consent.purges': async () => listPurges(db),
  }
}
