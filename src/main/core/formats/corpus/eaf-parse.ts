import { SaxesParser, type SaxesTagPlain } from 'saxes'
import { badInput, LineIndex, type Position } from './errors'

export interface EafSlot {
  id: string
  value: number | null
  at: Position
}

export interface EafAnnotation {
  id: string
  tier: string
  kind: 'alignable' | 'ref'
  ref1: string
  ref2: string
  /** REF_ANNOTATION: the parent annotation and, in a symbolic subdivision, the previous sibling. */
  parent: string
  previous: string | null
  value: string
  lang: string | null
  at: Position
}

export interface EafTier {
  id: string
  type: string
  parent: string | null
  participant: string
  lang: string | null
  at: Position
  annotations: EafAnnotation[]
}

export interface EafType {
  id: string
  constraint: string | null
  at: Position
}

export interface EafDocument {
  mediaUrl: string | null
  relativeMediaUrl: string | null
  properties: Map<string, string>
  /** In TIME_ORDER's order. */
  slots: EafSlot[]
  tiers: EafTier[]
  types: Map<string, EafType>
}

/**
 * Reads the parts of an EAF document we use into plain objects that remember where each element
 * starts, so that the checks made after parsing (a missing time slot, an unknown tier) can still
 * name the line and column. XML errors come from saxes with its position.
 */
export function parseEaf(text: string, file: string): EafDocument {
  const lines = new LineIndex(text)
  const doc: EafDocument = {
    mediaUrl: null,
    relativeMediaUrl: null,
    properties: new Map(),
    slots: [],
    tiers: [],
    types: new Map(),
  }
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true })
  const stack: string[] = []
  let tagAt: Position = { line: 1, column: 1 }
  let textBuffer: string | null = null
  let property: string | null = null
  let annotation: EafAnnotation | null = null
  const annotationIds = new Set<string>()
  const slotIds = new Set<string>()

  const need = (tag: SaxesTagPlain, name: string): string => {
    const v = tag.attributes[name]
    if (typeof v !== 'string' || v === '')
      throw badInput(file, tagAt, `<${tag.name}> has no ${name}.`)
    return v
  }
  const opt = (tag: SaxesTagPlain, name: string): string | null => {
    const v = tag.attributes[name]
    return typeof v === 'string' && v !== '' ? v : null
  }

  parser.on('opentagstart', () => {
    tagAt = lines.at(Math.max(0, text.lastIndexOf('<', parser.position - 1)))
  })
  parser.on('opentag', (tag) => {
    const parent = stack[stack.length - 1]
    stack.push(tag.name)
    if (stack.length === 1 && tag.name !== 'ANNOTATION_DOCUMENT')
      throw badInput(
        file,
        tagAt,
        `the root element is <${tag.name}>, not <ANNOTATION_DOCUMENT>: this is not an ELAN file.`,
      )
    switch (tag.name) {
      case 'HEADER': {
        const units = opt(tag, 'TIME_UNITS')
        if (units && units !== 'milliseconds')
          throw badInput(file, tagAt, `TIME_UNITS "${units}" is not supported; only milliseconds.`)
        break
      }
      case 'MEDIA_DESCRIPTOR':
        if (doc.mediaUrl === null) {
          doc.mediaUrl = need(tag, 'MEDIA_URL')
          doc.relativeMediaUrl = opt(tag, 'RELATIVE_MEDIA_URL')
        }
        break
      case 'PROPERTY':
        property = opt(tag, 'NAME')
        textBuffer = ''
        break
      case 'TIME_SLOT': {
        const id = need(tag, 'TIME_SLOT_ID')
        if (slotIds.has(id)) throw badInput(file, tagAt, `time slot "${id}" is defined twice.`)
        slotIds.add(id)
        const raw = opt(tag, 'TIME_VALUE')
        if (raw !== null && !/^\d+$/.test(raw))
          throw badInput(file, tagAt, `TIME_VALUE "${raw}" is not a whole number of milliseconds.`)
        doc.slots.push({ id, value: raw === null ? null : Number(raw), at: tagAt })
        break
      }
      case 'TIER': {
        const id = need(tag, 'TIER_ID')
        if (doc.tiers.some((t) => t.id === id))
          throw badInput(file, tagAt, `tier "${id}" is defined twice.`)
        doc.tiers.push({
          id,
          type: need(tag, 'LINGUISTIC_TYPE_REF'),
          parent: opt(tag, 'PARENT_REF'),
          participant: opt(tag, 'PARTICIPANT') ?? '',
          lang: opt(tag, 'LANG_REF'),
          at: tagAt,
          annotations: [],
        })
        break
      }
      case 'ALIGNABLE_ANNOTATION':
      case 'REF_ANNOTATION': {
        const tier = doc.tiers[doc.tiers.length - 1]
        if (parent !== 'ANNOTATION' || !tier)
          throw badInput(file, tagAt, `<${tag.name}> outside a tier's <ANNOTATION>.`)
        const id = need(tag, 'ANNOTATION_ID')
        if (annotationIds.has(id))
          throw badInput(file, tagAt, `annotation "${id}" is defined twice.`)
        annotationIds.add(id)
        const alignable = tag.name === 'ALIGNABLE_ANNOTATION'
        annotation = {
          id,
          tier: tier.id,
          kind: alignable ? 'alignable' : 'ref',
          ref1: alignable ? need(tag, 'TIME_SLOT_REF1') : '',
          ref2: alignable ? need(tag, 'TIME_SLOT_REF2') : '',
          parent: alignable ? '' : need(tag, 'ANNOTATION_REF'),
          previous: opt(tag, 'PREVIOUS_ANNOTATION'),
          value: '',
          lang: opt(tag, 'LANG_REF'),
          at: tagAt,
        }
        tier.annotations.push(annotation)
        break
      }
      case 'ANNOTATION_VALUE':
        textBuffer = ''
        break
      case 'LINGUISTIC_TYPE': {
        const id = need(tag, 'LINGUISTIC_TYPE_ID')
        doc.types.set(id, { id, constraint: opt(tag, 'CONSTRAINTS'), at: tagAt })
        break
      }
    }
  })
  const onText = (t: string): void => {
    if (textBuffer !== null) textBuffer += t
  }
  parser.on('text', onText)
  parser.on('cdata', onText)
  parser.on('closetag', (tag) => {
    stack.pop()
    if (tag.name === 'ANNOTATION_VALUE' && annotation) annotation.value = textBuffer ?? ''
    if (tag.name === 'PROPERTY' && property !== null) doc.properties.set(property, textBuffer ?? '')
    if (tag.name === 'ANNOTATION_VALUE' || tag.name === 'PROPERTY') textBuffer = null
    if (tag.name === 'ALIGNABLE_ANNOTATION' || tag.name === 'REF_ANNOTATION') annotation = null
  })
  parser.on('error', (error) => {
    const m = /^(?:.*?:)?(\d+):(\d+): (.*)$/s.exec(error.message)
    throw m
      ? badInput(
          file,
          { line: Number(m[1]), column: Number(m[2]) + 1 },
          `malformed XML (${m[3]?.replace(/\.$/, '')}).`,
        )
      : badInput(file, null, `malformed XML (${error.message}).`)
  })
  parser.write(text).close()
  return doc
}
