import { typedWords } from '../../../../shared/text/language-spans'
import type { CheckedUtterance } from './check'
import { eafTierSuffix, eafTypes, estimateWordTimes, ncName } from './eaf-common'
import { tidyWords, type Span } from './layout'
import type { CorpusTier, ExportNote } from './model'
import { dependentTierName, droppedNote, tierSpans } from './project-tiers'
import { toMs } from './time'

export interface Slot {
  ms: number
  id: string
}

/** An ALIGNABLE_ANNOTATION with its own time slots, or a REF_ANNOTATION of a parent annotation. */
export type Annotation = { id: string; value: string; lang: string | null } & (
  { kind: 'alignable'; from: Slot; to: Slot } | { kind: 'ref'; parent: Annotation }
)

export interface Tier {
  id: string
  type: string
  parent: string | null
  participant: string
  annotations: Annotation[]
}

/** A LINGUISTIC_TYPE: its constraint (none for top-level tiers) and whether it is time-alignable. */
export interface LinguisticType {
  constraint: 'Included_In' | 'Symbolic_Association' | null
  alignable: boolean
}

/**
 * Builds one document's tiers, linguistic types and time slots; slot ids are given in time order
 * at the end.
 */
export class EafDocument {
  readonly slots: Slot[] = []
  readonly tiers: Tier[] = []
  private readonly types = new Map<string, LinguisticType>([
    [eafTypes.utterance, { constraint: null, alignable: true }],
  ])
  readonly ids = new Map<string, string>()
  readonly languages = new Set<string>()
  private count = 0

  constructor(
    private readonly notes: ExportNote[],
    private readonly projectTiers: CorpusTier[] = [],
  ) {}

  annotate(tier: Tier, from: number, to: number, value: string, lang: string | null): Annotation {
    const a: Annotation = {
      kind: 'alignable',
      id: `a${++this.count}`,
      from: this.slot(from),
      to: this.slot(to),
      value,
      lang: lang && ncName.test(lang) ? lang : null,
    }
    if (a.lang) this.languages.add(a.lang)
    tier.annotations.push(a)
    return a
  }

  /** A Symbolic_Association annotation: no time of its own, it shares its parent's. */
  private refer(tier: Tier, parent: Annotation, value: string): void {
    tier.annotations.push({ kind: 'ref', id: `a${++this.count}`, parent, value, lang: null })
  }

  get lastId(): number {
    return this.count
  }

  private slot(ms: number): Slot {
    const s = { ms, id: '' }
    this.slots.push(s)
    return s
  }

  /**
   * A speaker tier with its dependent tiers: words and language spans (only when used), and one
   * tier per project tier, written even when empty so that the tier is there to fill in ELAN.
   */
  addSpeakerTier(name: string, speaker: string, stack: Span<CheckedUtterance>[]): void {
    const main: Tier = {
      id: name,
      type: eafTypes.utterance,
      parent: null,
      participant: speaker,
      annotations: [],
    }
    const child = (id: string, type: string): Tier => ({
      ...main,
      id,
      type,
      parent: name,
      annotations: [],
    })
    const words = child(name + eafTierSuffix.word, eafTypes.word)
    const langs = child(name + eafTierSuffix.language, eafTypes.language)
    const own = this.projectTiers.map((t) => {
      this.types.set(
        t.name,
        t.kind === 'utterance'
          ? { constraint: 'Symbolic_Association', alignable: false }
          : { constraint: 'Included_In', alignable: true },
      )
      return { tier: t, into: child(dependentTierName(name, t.name), t.name) }
    })
    for (const { start, end, item: u } of stack) {
      const a = this.annotate(main, start, end, u.text, u.language)
      this.ids.set(a.id, u.id)
      if (u.language && !a.lang)
        this.notes.push({
          kind: 'info',
          utteranceId: u.id,
          recordingId: u.recordingId,
          message: `language "${u.language}" is not a valid ELAN language id; left out`,
        })
      const tidy = tidyWords(u.words, start, end, toMs)
      for (const w of tidy.words) this.annotate(words, w.start, w.end, w.item, null)
      if (tidy.dropped)
        this.notes.push({
          kind: 'adjusted',
          utteranceId: u.id,
          recordingId: u.recordingId,
          message: `${tidy.dropped} word(s) had no time left inside the utterance`,
        })
      this.addSpans(langs, u, start, end)
      for (const { tier, into } of own) {
        const { spans, dropped } = tierSpans(u, tier, start, end, toMs)
        for (const s of spans)
          if (tier.kind === 'utterance') this.refer(into, a, s.item)
          else this.annotate(into, s.start, s.end, s.item, null)
        if (dropped) this.notes.push(droppedNote(u, tier.name, dropped))
      }
    }
    this.tiers.push(main)
    for (const [tier, type] of [
      [words, eafTypes.word],
      [langs, eafTypes.language],
    ] as const)
      if (tier.annotations.length) {
        this.tiers.push(tier)
        this.types.set(type, { constraint: 'Included_In', alignable: true })
      }
    this.tiers.push(...own.map((o) => o.into))
  }

  /** Language spans, placed by word times (else estimated ones) from first word to last. */
  private addSpans(langs: Tier, u: CheckedUtterance, start: number, end: number): void {
    const tokens = typedWords(u.text)
    const timed =
      u.words.length === tokens.length && u.words.length > 0
        ? u.words.map((w): [number, number] => [
            Math.max(start, toMs(w.start)),
            Math.min(end, toMs(w.end)),
          ])
        : estimateWordTimes(tokens, start, end)
    let spanEnd = start
    for (const span of u.spans) {
      const first = timed[span.start]
      const last = timed[Math.min(span.end, timed.length) - 1]
      const from = Math.max(first?.[0] ?? end, spanEnd)
      const to = last?.[1] ?? start
      if (to <= from) {
        this.notes.push({
          kind: 'skipped',
          utteranceId: u.id,
          recordingId: u.recordingId,
          message: `language span [${span.start}, ${span.end}) has no time; left out`,
        })
        continue
      }
      this.annotate(langs, from, to, span.lang, span.lang)
      spanEnd = to
    }
  }

  /** The types the tiers use: the speakers', words', languages', then the project tiers' in order. */
  get linguisticTypes(): [string, LinguisticType][] {
    const order = [
      eafTypes.utterance,
      eafTypes.word,
      eafTypes.language,
      ...this.projectTiers.map((t) => t.name),
    ]
    return order.flatMap((id): [string, LinguisticType][] => {
      const type = this.types.get(id)
      return type ? [[id, type]] : []
    })
  }

  numberSlots(): void {
    const sorted = [...this.slots].sort((a, b) => a.ms - b.ms)
    sorted.forEach((s, i) => (s.id = `ts${i + 1}`))
    this.slots.splice(0, this.slots.length, ...sorted)
  }
}
