import type { QueueFacets } from '../../../shared/domain'
import { utteranceStatuses } from '../../../shared/domain'

/** One entry of a filter's select: the value it sets and the words it shows. */
export interface FilterChoice {
  value: string
  label: string
}

type Translate = (key: string) => string

/** Every utterance status, in the contract's order, in the UI's words. */
export function statusChoices(t: Translate): FilterChoice[] {
  return utteranceStatuses.map((s) => ({ value: s, label: t(`utterance.status.${s}`) }))
}

/** The project's speakers, each with how many utterances it has ("A12 (40)"). */
export function speakerChoices(facets: QueueFacets | null): FilterChoice[] {
  return (facets?.speakers ?? []).map((s) => ({ value: s.code, label: `${s.code} (${s.count})` }))
}

/** The project's languages, each with how many utterances it has ("sw (120)"). */
export function languageChoices(facets: QueueFacets | null): FilterChoice[] {
  return (facets?.languages ?? []).map((l) => ({
    value: l.language,
    label: `${l.language} (${l.count})`,
  }))
}
