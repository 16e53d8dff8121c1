import type { PriorityReason } from '../../../shared/domain'

type Translate = (key: string, values?: Record<string, unknown>) => string

const percent = (v: number | null): string => (v === null ? '–' : `${Math.round(v * 100)} %`)

/**
 * Why an utterance sits where it does in the "most useful first" order, in words: the measure
 * it was ranked by and its value, and for the default strategy its group and speaker.
 */
export function describeReason(reason: PriorityReason, t: Translate): string {
  if (reason.phase === 'diverse' && reason.measure === 'distance') return t('workspace.why.diverse')
  if (reason.measure === 'typicality')
    return t('workspace.why.typical', { cluster: reason.cluster, clusters: reason.clusters })
  const value =
    reason.measure === 'margin' || reason.measure === 'distance' || reason.measure === 'per_second'
      ? reason.value === null
        ? '–'
        : reason.value.toFixed(2)
      : percent(reason.value)
  const parts = [
    reason.cluster !== undefined && reason.clusters !== undefined
      ? t('workspace.why.cluster', {
          cluster: reason.cluster,
          clusters: reason.clusters,
          rank: reason.rankInCluster ?? 1,
          value,
        })
      : t(`workspace.why.${reason.measure}`, { value }),
  ]
  if (reason.speakerCorrected !== undefined && reason.speakerCorrected > 0)
    parts.push(t('workspace.why.speakerCorrected', { n: reason.speakerCorrected }))
  if (reason.nearFlagged !== undefined && reason.nearFlagged > 0)
    parts.push(t('workspace.why.nearFlagged', { n: reason.nearFlagged, k: reason.nearReviewed }))
  if (reason.likeFlagged) parts.push(t('workspace.why.likeFlagged'))
  return parts.join('; ')
}
