import type { LanguageSpan, TierInterval } from '../../../../shared/domain'
import { isReservedTierName } from '../../../../shared/domain'
import { typedWords } from '../../../../shared/text/language-spans'
import type { WordTime } from '../../../../shared/word-time'
import { eafProperty, eafTypes, estimateWordTimes } from './eaf-common'
import { parseEaf, type EafAnnotation, type EafTier } from './eaf-parse'
import { annotationTimes, slotTimes, type UnalignedSlots } from './eaf-times'
import { decodeUserText } from '../text-gate'
import { badInput } from './errors'
import { speakerOfTier } from './layout'
import {
  oneRecordingCorpus,
  type CorpusTier,
  type CorpusTierText,
  type CorpusUtterance,
  type ImportResult,
} from './model'
import { fileTiers, ownIntervals, tierNameOf } from './project-tiers'

export interface EafReadOptions {
  /** Tiers whose annotations become utterances. Default: the top-level tiers. */
  tiers?: string[]
  /** LINGUISTIC_TYPE of dependent tiers holding word timings. Default: "word". */
  wordType?: string
  /** LINGUISTIC_TYPE of dependent tiers holding language spans (value = language tag). Default: "language". */
  languageType?: string
  /** What to do with time slots without TIME_VALUE. Default: interpolate, as ELAN shows them. */
  unalignedSlots?: UnalignedSlots
  /** Default: our header property, else the file's name without its extension. */
  recordingId?: string
}

interface Timed {
  a: EafAnnotation
  start: number
  end: number
}

/** The audio path from the media descriptor: the relative URL when there is one, decoded. */
function mediaPath(url: string | null): string {
  if (!url) return ''
  const path = url.replace(/^file:\/\//, '').replace(/^\.\//, '')
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

/** The annotation of `parents` (sorted by start) that contains ms `t`, or undefined. */
function containing(parents: Timed[], t: number): Timed | undefined {
  return parents.find((p) => p.start <= t && t <= p.end)
}

/** Language spans of one utterance from the language tier's intervals, as word ranges. */
function spansOf(u: Timed, text: string, words: WordTime[], langs: Timed[]): LanguageSpan[] {
  const tokens = typedWords(text)
  const bounds =
    words.length === tokens.length && words.length > 0
      ? words.map((w): [number, number] => [w.start * 1000, w.end * 1000])
      : estimateWordTimes(tokens, u.start, u.end)
  const spans: LanguageSpan[] = []
  let next = 0
  for (const l of [...langs].sort((x, y) => x.start - y.start)) {
    const inside = bounds
      .map(([s, e], i) => ({ mid: (s + e) / 2, i }))
      .filter(({ mid, i }) => i >= next && mid >= l.start && mid <= l.end)
    const first = inside[0]
    const last = inside[inside.length - 1]
    if (!first || !last || !l.a.value.trim()) continue
    spans.push({ start: first.i, end: last.i + 1, lang: l.a.value.trim() })
    next = last.i + 1
  }
  return spans
}

/**
 * Reads an ELAN .eaf file. Annotations of the chosen tiers become utterances: time-aligned ones
 * with their slots' times, reference ones with their parent's. The speaker is the tier's
 * PARTICIPANT, else the tier id; the language is the annotation's LANG_REF, else the tier's.
 * Dependent tiers of the word and language types give word timings and language spans; other
 * dependent tiers are the project's own tiers (readProjectTier), their texts given to the
 * utterance each lies in. Any
 * inconsistency (a missing time slot, tier or type) is refused with the element's line and column.
 */
export function readEaf(
  content: string | Uint8Array,
  file: string,
  options: EafReadOptions = {},
): ImportResult {
  const doc = parseEaf(decodeUserText(content, file, { utf16: true }), file)
  const tierById = new Map(doc.tiers.map((t) => [t.id, t]))
  for (const t of doc.tiers) {
    if (!doc.types.has(t.type))
      throw badInput(
        file,
        t.at,
        `tier "${t.id}" has LINGUISTIC_TYPE_REF "${t.type}", which is not defined.`,
      )
    if (t.parent !== null && !tierById.has(t.parent))
      throw badInput(
        file,
        t.at,
        `tier "${t.id}" has PARENT_REF "${t.parent}", which is not a tier.`,
      )
  }
  const times = annotationTimes(
    doc,
    file,
    slotTimes(doc, file, options.unalignedSlots ?? 'interpolate'),
  )
  const timed = (t: EafTier): Timed[] =>
    t.annotations
      .map((a) => {
        const [start, end] = times.get(a.id) ?? [0, 0]
        return { a, start, end }
      })
      .sort((x, y) => x.start - y.start)

  for (const wanted of options.tiers ?? [])
    if (!tierById.has(wanted))
      throw badInput(
        file,
        null,
        `there is no tier "${wanted}" (tiers: ${doc.tiers.map((t) => t.id).join(', ')}).`,
      )
  const chosen = options.tiers
    ? doc.tiers.filter((t) => options.tiers?.includes(t.id))
    : doc.tiers.filter((t) => t.parent === null)
  const wordType = options.wordType ?? eafTypes.word
  const languageType = options.languageType ?? eafTypes.language
  const notes: string[] = []
  const used = new Set(chosen.map((t) => t.id))
  /** Why a tier under a chosen tier was not read, where there is more to say than its type. */
  const why = new Map<string, string>()
  const projectTiers: CorpusTier[] = []

  const base = file.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '')
  const recordingId = options.recordingId ?? doc.properties.get(eafProperty.recording) ?? base
  const found: { u: CorpusUtterance; order: number }[] = []
  chosen.forEach((tier, order) => {
    const parents = timed(tier)
    const children = doc.tiers.filter((t) => t.parent === tier.id)
    const words = new Map<string, WordTime[]>()
    const langs = new Map<string, Timed[]>()
    const own = new Map<string, CorpusTierText[]>()
    for (const child of children) {
      const kind =
        child.type === wordType ? 'word' : child.type === languageType ? 'language' : null
      if (!kind) {
        const constraint = doc.types.get(child.type)?.constraint ?? null
        const read = readProjectTier(file, { tier, child, constraint }, parents, timed(child))
        if (typeof read === 'string') why.set(child.id, read)
        else {
          used.add(child.id)
          projectTiers.push(read.tier)
          for (const [annotation, intervals] of read.owned) {
            const list = own.get(annotation) ?? []
            list.push({ tier: read.tier.name, intervals })
            own.set(annotation, list)
          }
        }
        continue
      }
      used.add(child.id)
      for (const c of timed(child)) {
        const owner = containing(parents, (c.start + c.end) / 2)
        if (!owner) continue
        if (kind === 'word' && c.a.value.trim()) {
          const list = words.get(owner.a.id) ?? []
          list.push({ word: c.a.value.trim(), start: c.start / 1000, end: c.end / 1000 })
          words.set(owner.a.id, list)
        } else if (kind === 'language') {
          const list = langs.get(owner.a.id) ?? []
          list.push(c)
          langs.set(owner.a.id, list)
        }
      }
    }
    const speaker = tier.participant || speakerOfTier(tier.id)
    for (const p of parents) {
      const w = words.get(p.a.id) ?? []
      found.push({
        order,
        u: {
          id: doc.properties.get(eafProperty.utterance + p.a.id) ?? `${recordingId}_${p.a.id}`,
          recordingId,
          speaker,
          start: p.start / 1000,
          end: p.end / 1000,
          text: p.a.value,
          language: p.a.lang ?? tier.lang,
          spans: spansOf(p, p.a.value, w, langs.get(p.a.id) ?? []),
          words: w,
          ...(own.has(p.a.id) ? { tiers: own.get(p.a.id) } : {}),
        },
      })
    }
  })
  for (const t of doc.tiers)
    if (!used.has(t.id))
      notes.push(`tier "${t.id}" (${t.type}) was not read${why.get(t.id) ?? ''}.`)
  found.sort((a, b) => a.u.start - b.u.start || a.order - b.order)
  const utterances = found.map((f) => f.u)
  const end = [...times.values()].reduce((max, [, e]) => Math.max(max, e), 0) / 1000
  notes.push(
    'ELAN files do not store the audio length: the duration is the end of the last annotation until the audio is measured.',
  )
  const recording = {
    id: recordingId,
    audioPath: mediaPath(doc.relativeMediaUrl ?? doc.mediaUrl),
    durationSec: end,
  }
  const corpus = oneRecordingCorpus(recording, utterances)
  if (projectTiers.length) corpus.tiers = fileTiers(projectTiers)
  return { corpus, notes }
}

/**
 * A dependent tier that is neither words nor language spans, read as a project tier
 * (docs/export-formats.md): its name from the tier id (tierNameOf), one text per utterance when
 * its type is a Symbolic_Association, else time-aligned. Returns why it is not read instead
 * where it cannot be one; refuses overlapping annotations and ones outside every utterance.
 */
function readProjectTier(
  file: string,
  { tier: parent, child, constraint }: { tier: EafTier; child: EafTier; constraint: string | null },
  parents: Timed[],
  annotations: Timed[],
): { tier: CorpusTier; owned: Map<string, TierInterval[]> } | string {
  const name = tierNameOf(child.id, parent.id)
  if (constraint === 'Symbolic_Subdivision')
    return ': a symbolic subdivision has no times of its own, and a project tier holds one text per utterance or time-aligned text'
  if (isReservedTierName(name)) return `: "${name}" is a name the exports keep for their own tiers`
  if (constraint === 'Symbolic_Association') {
    const associated = new Set<string>()
    for (const { a } of annotations) {
      if (a.kind !== 'ref') continue
      if (associated.has(a.parent))
        throw badInput(
          file,
          a.at,
          `tier "${child.id}": annotation "${a.id}" is a second association of annotation "${a.parent}"; a Symbolic_Association tier holds one per annotation of its parent.`,
        )
      associated.add(a.parent)
    }
  }
  const { owned } = ownIntervals(
    file,
    child.id,
    parent.id,
    parents.map((p) => ({ key: p.a.id, start: p.start / 1000, end: p.end / 1000 })),
    annotations.map((c) => ({
      start: c.start / 1000,
      end: c.end / 1000,
      text: c.a.value,
      at: c.a.at,
    })),
  )
  return {
    tier: { name, kind: constraint === 'Symbolic_Association' ? 'utterance' : 'time' },
    owned,
  }
}
