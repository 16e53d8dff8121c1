import type { annotateContract } from '../../../shared/contract/annotate'
import type { CallContext, CallTable } from '../call-context'
import { createAnnotator, listAnnotators } from './annotators'
import { claimUtterance, listClaims, releaseClaim, renewClaim } from './claims'
import { saveUtterance, utteranceDetail } from './editor'
import { markNoisy } from './noisy'
import { mergeUtterances, setBounds, splitUtterance } from './structure'
import { queueFacets, queuePage } from './queue'

type Calls = keyof typeof annotateContract

/**
 * The annotator's calls: profiles, the queue, the editor's reads and writes. A final save is
 * published as a domain event once committed; what follows it (training, re-ranking) lives in
 * the rooms that subscribe.
 */
export function annotateCalls(ctx: CallContext): CallTable<Calls> {
  const { db, domain, claimIdleMs } = ctx
  return {
    'annotator.list': async () => listAnnotators(db),
    'annotator.create': async (input) => createAnnotator(db, input),
    'queue.list': async ({ actorId, ...query }) =>
      queuePage(db, { ...query, viewer: actorId ?? null }),
    'queue.facets': async () => queueFacets(db),
    'utterance.get': async ({ id, actorId }) => utteranceDetail(db, id, undefined, actorId ?? null),
    'utterance.save': async (input) => {
      const saved = saveUtterance(db, input)
      ctx.changed([input.id])
      // Typing renews the writer's claim; a final save (corrected, skipped, flagged) ends it.
      if (input.draft) renewClaim(db, input.id, input.actorId, claimIdleMs)
      else releaseClaim(db, input.id, input.actorId)
      if (!input.draft) {
        const { id: utteranceId, actorId } = input
        await domain.publish('utterance.saved', { utteranceId, actorId, status: saved.status })
        if (saved.status === 'flagged') await domain.publish('utterance.flagged', { utteranceId })
      }
      return saved
    },
    'utterance.setBounds': async (input) => {
      const detail = setBounds(db, input)
      ctx.changed([input.id])
      return detail
    },
    'utterance.split': async (input) => {
      const halves = splitUtterance(db, input)
      ctx.changed([halves.left.utterance.id, halves.right.utterance.id])
      return halves
    },
    'utterance.merge': async (input) => {
      const merged = mergeUtterances(db, input)
      ctx.changed([input.id, input.nextId])
      return merged
    },
    'utterance.markNoisy': async (input) => {
      const noisy = markNoisy(db, input)
      ctx.changed([input.id])
      return { noisy }
    },
    'utterance.claim': async ({ id, actorId, statuses }) =>
      claimUtterance(db, id, actorId, claimIdleMs, { statuses }),
    'utterance.release': async ({ id, actorId }) => ({ released: releaseClaim(db, id, actorId) }),
    'claim.list': async () => listClaims(db),
    'claim.release': async ({ utteranceId, holderId }) => ({
      released: releaseClaim(db, utteranceId, holderId),
    }),
  }
}
