import { typedWords } from '../../../../shared/text/language-spans'
import { byRecording, checkCorpus, type CheckedUtterance } from './check'
import {
  eafConstraints,
  eafProperty,
  eafTierSuffix,
  eafTypes,
  estimateWordTimes,
  mimeType,
  ncName,
} from './eaf-common'
import { overlapTierName, speakerStacks, tidyWords, type Span } from './layout'
import type { Corpus, CorpusRecording, ExportNote, ExportResult, OutFile } from './model'
import { joinPath, relativePath, safeFileName, uniqueNames, xmlAttr, xmlText } from './text'
import { toMs } from './time'

export interface EafOptions {
  /** Folder of the .eaf files inside the export; one per recording, named by its id. */
  dir?: string
  /** The document's AUTHOR. Default: "Sauti". */
  author?: string
  /** The document's DATE. Default: now. */
  date?: Date
  /**
   * An absolute URL of the export root (e.g. "file:///data/export"), for MEDIA_URL. Without it
   * MEDIA_URL holds the same relative path as RELATIVE_MEDIA_URL, which ELAN resolves against
   * the .eaf file's folder.
   */
  mediaRoot?: string
}

interface Slot {
  ms: number
  id: string
}

interface Annotation {
  id: string
  from: Slot
  to: Slot
  value: string
  lang: string | null
}

interface Tier {
  id: string
  type: string
  parent: string | null
  participant: string
  annotations: Annotation[]
}

const attrs = (pairs: [string, string | null | undefined][]): string =>
  pairs
    .filter((p): p is [string, string] => typeof p[1] === 'string')
    .map(([k, v]) => ` ${k}="${xmlAttr(v)}"`)
    .join('')

const url = (path: string): string => path.split('/').map(encodeURIComponent).join('/')

/** Builds one document's tiers and time slots; slot ids are given in time order at the end. */
class Document {
  readonly slots: Slot[] = []
  readonly tiers: Tier[] = []
  readonly ids = new Map<string, string>()
  readonly languages = new Set<string>()
  private count = 0

  constructor(private readonly notes: ExportNote[]) {}

  annotate(tier: Tier, from: number, to: number, value: string, lang: string | null): Annotation {
    const a: Annotation = {
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

  get lastId(): number {
    return this.count
  }

  private slot(ms: number): Slot {
    const s = { ms, id: '' }
    this.slots.push(s)
    return s
  }

  /** A speaker tier with its dependent word and language tiers (those only when used). */
  addSpeakerTier(name: string, speaker: string, stack: Span<CheckedUtterance>[]): void {
    const main: Tier = {
      id: name,
      type: eafTypes.utterance,
      parent: null,
      participant: speaker,
      annotations: [],
    }
    const child = (suffix: string, type: string): Tier => ({
      ...main,
      id: name + suffix,
      type,
      parent: name,
      annotations: [],
    })
    const words = child(eafTierSuffix.word, eafTypes.word)
    const langs = child(eafTierSuffix.language, eafTypes.language)
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
    this.tiers.push(main)
    if (words.annotations.length) this.tiers.push(words)
    if (langs.annotations.length) this.tiers.push(langs)
  }

  numberSlots(): void {
    const sorted = [...this.slots].sort((a, b) => a.ms - b.ms)
    sorted.forEach((s, i) => (s.id = `ts${i + 1}`))
    this.slots.splice(0, this.slots.length, ...sorted)
  }
}

function render(
  doc: Document,
  recording: CorpusRecording,
  options: EafOptions,
  mediaPath: string,
): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>']
  const date = (options.date ?? new Date()).toISOString()
  out.push(
    `<ANNOTATION_DOCUMENT${attrs([
      ['AUTHOR', options.author ?? 'Sauti'],
      ['DATE', date],
      ['FORMAT', '3.0'],
      ['VERSION', '3.0'],
      ['xmlns:xsi', 'http://www.w3.org/2001/XMLSchema-instance'],
      ['xsi:noNamespaceSchemaLocation', 'http://www.mpi.nl/tools/elan/EAFv3.0.xsd'],
    ])}>`,
    `    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">`,
  )
  const relative = mediaPath.startsWith('../') ? mediaPath : `./${mediaPath}`
  const absolute = options.mediaRoot
    ? `${options.mediaRoot.replace(/\/+$/, '')}/${url(recording.audioPath)}`
    : url(relative)
  out.push(
    `        <MEDIA_DESCRIPTOR${attrs([
      ['MEDIA_URL', absolute],
      ['MIME_TYPE', mimeType(recording.audioPath)],
      ['RELATIVE_MEDIA_URL', url(relative)],
    ])}/>`,
  )
  out.push(`        <PROPERTY NAME="lastUsedAnnotationId">${doc.lastId}</PROPERTY>`)
  out.push(`        <PROPERTY NAME="${eafProperty.recording}">${xmlText(recording.id)}</PROPERTY>`)
  for (const [annotation, utterance] of doc.ids)
    out.push(
      `        <PROPERTY NAME="${xmlAttr(eafProperty.utterance + annotation)}">${xmlText(utterance)}</PROPERTY>`,
    )
  out.push('    </HEADER>', '    <TIME_ORDER>')
  for (const s of doc.slots)
    out.push(`        <TIME_SLOT TIME_SLOT_ID="${s.id}" TIME_VALUE="${s.ms}"/>`)
  out.push('    </TIME_ORDER>')
  for (const t of doc.tiers) {
    const tierAttrs = attrs([
      ['LINGUISTIC_TYPE_REF', t.type],
      ['PARENT_REF', t.parent],
      ['PARTICIPANT', t.participant],
      ['TIER_ID', t.id],
    ])
    if (t.annotations.length === 0) {
      out.push(`    <TIER${tierAttrs}/>`)
      continue
    }
    out.push(`    <TIER${tierAttrs}>`)
    for (const a of t.annotations)
      out.push(
        '        <ANNOTATION>',
        `            <ALIGNABLE_ANNOTATION${attrs([
          ['ANNOTATION_ID', a.id],
          ['LANG_REF', a.lang],
          ['TIME_SLOT_REF1', a.from.id],
          ['TIME_SLOT_REF2', a.to.id],
        ])}>`,
        `                <ANNOTATION_VALUE>${xmlText(a.value)}</ANNOTATION_VALUE>`,
        '            </ALIGNABLE_ANNOTATION>',
        '        </ANNOTATION>',
      )
    out.push('    </TIER>')
  }
  const types = new Set(doc.tiers.map((t) => t.type))
  out.push(
    `    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="${eafTypes.utterance}" TIME_ALIGNABLE="true"/>`,
  )
  for (const type of [eafTypes.word, eafTypes.language])
    if (types.has(type))
      out.push(
        `    <LINGUISTIC_TYPE CONSTRAINTS="Included_In" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="${type}" TIME_ALIGNABLE="true"/>`,
      )
  for (const lang of [...doc.languages].sort())
    out.push(
      `    <LANGUAGE${attrs([
        ['LANG_ID', lang],
        ['LANG_LABEL', lang],
      ])}/>`,
    )
  for (const [stereotype, description] of eafConstraints)
    out.push(
      `    <CONSTRAINT${attrs([
        ['DESCRIPTION', description],
        ['STEREOTYPE', stereotype],
      ])}/>`,
    )
  out.push('</ANNOTATION_DOCUMENT>')
  return `${out.join('\n')}\n`
}

/**
 * ELAN documents (EAF 3.0), one per recording, linking its audio by a relative path. Each
 * speaker has a time-aligned tier (LINGUISTIC_TYPE "utterance", PARTICIPANT = speaker code) with
 * dependent Included_In tiers for word timings and language spans; a speaker who overlaps
 * itself gets "<code> (overlap 2)" tiers. Times are whole milliseconds; utterance ids are kept in
 * header properties so that re-importing a file matches utterances to ours.
 */
export function writeEaf(corpus: Corpus, options: EafOptions = {}): ExportResult {
  const checked = checkCorpus(corpus)
  const notes = [...checked.notes]
  const names = uniqueNames([...checked.recordings.keys()], safeFileName)
  const dir = options.dir ?? ''
  const files: OutFile[] = []
  for (const [id, utterances] of byRecording(checked)) {
    const recording = checked.recordings.get(id)
    if (!recording) continue
    const doc = new Document(notes)
    const endOfAudio = toMs(recording.durationSec)
    const ms = { toUnits: toMs, name: 'ms' }
    for (const [speaker, stacks] of speakerStacks(utterances, ms, endOfAudio, notes))
      stacks.forEach((stack, i) =>
        doc.addSpeakerTier(overlapTierName(speaker, i + 1), speaker, stack),
      )
    doc.numberSlots()
    files.push({
      path: joinPath(dir, `${names.get(id) ?? id}.eaf`),
      content: render(doc, recording, options, relativePath(dir, recording.audioPath)),
    })
  }
  return { files, notes }
}
