import { byRecording, checkCorpus } from './check'
import { eafConstraints, eafProperty, mimeType } from './eaf-common'
import { EafDocument, type Annotation } from './eaf-document'
import { overlapTierName, speakerStacks } from './layout'
import type { Corpus, CorpusRecording, ExportResult, OutFile } from './model'
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

const attrs = (pairs: [string, string | null | undefined][]): string =>
  pairs
    .filter((p): p is [string, string] => typeof p[1] === 'string')
    .map(([k, v]) => ` ${k}="${xmlAttr(v)}"`)
    .join('')

const url = (path: string): string => path.split('/').map(encodeURIComponent).join('/')

/** One annotation as ELAN writes it: time slots of its own, or a reference to its parent's. */
function annotationXml(a: Annotation): string[] {
  const value = `                <ANNOTATION_VALUE>${xmlText(a.value)}</ANNOTATION_VALUE>`
  if (a.kind === 'ref')
    return [
      '        <ANNOTATION>',
      `            <REF_ANNOTATION${attrs([
        ['ANNOTATION_ID', a.id],
        ['ANNOTATION_REF', a.parent.id],
      ])}>`,
      value,
      '            </REF_ANNOTATION>',
      '        </ANNOTATION>',
    ]
  return [
    '        <ANNOTATION>',
    `            <ALIGNABLE_ANNOTATION${attrs([
      ['ANNOTATION_ID', a.id],
      ['LANG_REF', a.lang],
      ['TIME_SLOT_REF1', a.from.id],
      ['TIME_SLOT_REF2', a.to.id],
    ])}>`,
    value,
    '            </ALIGNABLE_ANNOTATION>',
    '        </ANNOTATION>',
  ]
}

function render(
  doc: EafDocument,
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
    for (const a of t.annotations) out.push(...annotationXml(a))
    out.push('    </TIER>')
  }
  for (const [id, type] of doc.linguisticTypes)
    out.push(
      `    <LINGUISTIC_TYPE${attrs([
        ['CONSTRAINTS', type.constraint],
        ['GRAPHIC_REFERENCES', 'false'],
        ['LINGUISTIC_TYPE_ID', id],
        ['TIME_ALIGNABLE', String(type.alignable)],
      ])}/>`,
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
 * dependent Included_In tiers for word timings and language spans, and one dependent tier
 * "<tier> - <name>" per project tier: Symbolic_Association (a REF_ANNOTATION of the utterance)
 * for one text per utterance, Included_In (time slots of its own) for a time-aligned tier. A
 * speaker who overlaps itself gets "<code> (overlap 2)" tiers. Times are whole milliseconds; utterance ids are kept in
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
    const doc = new EafDocument(notes, corpus.tiers)
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
