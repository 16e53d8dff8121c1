import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type {
  AdjudicationResult,
  AdjudicationView,
  AgreementReport,
  LanguageSpan,
  ReviewQueueItem,
  ReviewSettings,
  UtteranceDetail,
  UtteranceReviewHistory,
} from '../../../shared/domain'
import type { CallError } from '../api/client'
import { toCallError } from '../api/client'
import { useClient } from '../composables/useClient'
import { usePagedSnapshot } from '../composables/usePagedSnapshot'
import { useAnnotatorStore } from './annotator'

const REVIEW_PAGE_SIZE = 100

/** A reviewer's choice for one column of the adjudication diff. */
export type ColumnChoice =
  { column: number; take: 'a' | 'b' | 'model' | 'none' } | { column: number; text: string }

/**
 * The reviewer's side: the "needs review" queue (fetched a page at a time), the utterance open
 * in the review panel with its history (or, for two blind versions, the adjudication view), the
 * project's review settings and the agreement dashboard. Every write names the current profile,
 * which must be a reviewer or a lead (the store refuses annotators as well).
 */
export const useReviewStore = defineStore('review', () => {
  const client = useClient()
  const annotator = useAnnotatorStore()

  const list = usePagedSnapshot<ReviewQueueItem>(
    REVIEW_PAGE_SIZE,
    (offset, limit) => client.call('review.queue', { offset, limit }),
    (item) => item.utteranceId,
  )
  const { total, loading, reload, fetchItem, itemAt, indexOf } = list
  const queueError = list.error

  const currentId = ref<number | null>(null)
  const history = shallowRef<UtteranceReviewHistory | null>(null)
  /** The editor's read of the utterance: its recording and times (for audio), hypotheses. */
  const detail = shallowRef<UtteranceDetail | null>(null)
  const adjudication = shallowRef<AdjudicationView | null>(null)
  const panelError = shallowRef<CallError | null>(null)
  const opening = ref(false)

  const settings = shallowRef<ReviewSettings | null>(null)
  const agreement = shallowRef<AgreementReport | null>(null)
  const dashboardError = shallowRef<CallError | null>(null)

  /** The profile reviews are recorded under; null for annotators (the backend refuses them). */
  const reviewer = computed(() =>
    annotator.current && annotator.current.role !== 'annotator' ? annotator.current : null,
  )
  const isLead = computed(() => annotator.current?.role === 'lead')

  /** Blind versions still open: settled by adjudication, not by a verdict. */
  const needsAdjudication = computed(() => {
    const double = history.value?.doubleAnnotation
    return !!double && double.adjudicatedRevisionId === null
  })

  /**
   * What a verdict is about: the newest finished revision; for a flagged utterance the newest
   * revision, since flagging stores the annotator's text as a draft.
   */
  const verdictRevision = computed(() => {
    const h = history.value
    if (!h) return null
    const newestFirst = [...h.revisions].reverse()
    return (h.status === 'flagged' ? newestFirst[0] : newestFirst.find((r) => !r.draft)) ?? null
  })
  /** The newest revision of any kind: what an edit is written on top of. */
  const headRevision = computed(() => history.value?.revisions.at(-1) ?? null)

  let openTicket = 0
  /** Opens an utterance in the panel: its history, and the adjudication view when it needs one. */
  async function open(id: number): Promise<boolean> {
    const ticket = ++openTicket
    currentId.value = id
    opening.value = true
    panelError.value = null
    try {
      const who = annotator.current
      const [h, d] = await Promise.all([
        client.call('review.history', { id }),
        client.call('utterance.get', who ? { id, actorId: who.id } : { id }),
      ])
      if (ticket !== openTicket) return false
      const double = h.doubleAnnotation
      const view =
        double && double.adjudicatedRevisionId === null && double.annotators.length === 2
          ? await client.call('adjudication.get', { id })
          : null
      if (ticket !== openTicket) return false
      history.value = h
      detail.value = d
      adjudication.value = view
      return true
    } catch (caught) {
      if (ticket !== openTicket) return false
      history.value = null
      detail.value = null
      adjudication.value = null
      panelError.value = toCallError(caught)
      return false
    } finally {
      if (ticket === openTicket) opening.value = false
    }
  }

  /** Nothing open (the queue is empty). */
  function close(): void {
    openTicket++
    currentId.value = null
    history.value = null
    detail.value = null
    adjudication.value = null
  }

  function who(): number {
    const profile = reviewer.value
    if (!profile) throw new Error('reviewing needs a reviewer or lead profile')
    return profile.id
  }

  async function decide(verdict: 'approve' | 'reject', comment: string): Promise<void> {
    const revision = verdictRevision.value
    if (!revision) throw new Error('there is no finished revision to review')
    await client.call('review.decide', {
      revisionId: revision.id,
      actorId: who(),
      verdict,
      comment,
    })
  }

  async function edit(text: string, spans: LanguageSpan[], comment: string): Promise<void> {
    const h = history.value
    if (!h) return
    await client.call('review.edit', {
      id: h.utteranceId,
      actorId: who(),
      baseRevisionId: headRevision.value?.id ?? null,
      text,
      spans,
      comment,
      approve: true,
    })
  }

  async function resolve(choices: ColumnChoice[], comment: string): Promise<AdjudicationResult> {
    const view = adjudication.value
    if (!view) throw new Error('no adjudication is open')
    const result = await client.call('adjudication.resolve', {
      id: view.utteranceId,
      actorId: who(),
      aRevisionId: view.a.revisionId,
      bRevisionId: view.b.revisionId,
      choices,
      comment,
    })
    void loadAgreement()
    return result
  }

  async function loadSettings(): Promise<void> {
    try {
      settings.value = await client.call('review.settings', {})
    } catch (caught) {
      dashboardError.value = toCallError(caught)
    }
  }

  async function updateSettings(patch: Partial<ReviewSettings>): Promise<void> {
    settings.value = await client.call('review.updateSettings', patch)
    // The shares decide what the queue holds.
    void reload()
    void loadAgreement()
  }

  async function loadAgreement(): Promise<void> {
    try {
      agreement.value = await client.call('agreement.summary', {})
      dashboardError.value = null
    } catch (caught) {
      dashboardError.value = toCallError(caught)
    }
  }

  return {
    total,
    queueError,
    loading,
    empty: computed(() => !loading.value && total.value === 0),
    reload,
    fetchItem,
    itemAt,
    indexOf,
    currentId,
    history,
    detail,
    adjudication,
    panelError,
    opening,
    needsAdjudication,
    verdictRevision,
    headRevision,
    open,
    close,
    decide,
    edit,
    resolve,
    reviewer,
    isLead,
    settings,
    agreement,
    dashboardError,
    loadSettings,
    updateSettings,
    loadAgreement,
  }
})
