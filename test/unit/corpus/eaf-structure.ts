import { SaxesParser } from 'saxes'

/**
 * What ELAN (and the EAF 3.0 schema) expects of a document's structure, as a list of problems:
 * the top-level element order of the schema, unique ids that are XML names, time slots in
 * increasing order and every reference resolvable (time slots, parent tiers, linguistic types,
 * constraints, languages), annotations that do not overlap on a tier and, on Included_In tiers,
 * lie inside a parent annotation.
 */
export function eafProblems(xml: string): string[] {
  const problems: string[] = []
  const order = [
    'LICENSE',
    'HEADER',
    'TIME_ORDER',
    'TIER',
    'LINGUISTIC_TYPE',
    'LOCALE',
    'LANGUAGE',
    'CONSTRAINT',
    'CONTROLLED_VOCABULARY',
    'LEXICON_REF',
    'REF_LINK_SET',
    'EXTERNAL_REF',
  ]
  const ncName = /^[A-Za-z_][A-Za-z0-9_.-]*$/
  const slots = new Map<string, number>()
  const tiers: {
    id: string
    type: string
    parent: string | null
    annotations: { id: string; r1: string; r2: string; lang: string | null }[]
    refs: { id: string; parent: string }[]
  }[] = []
  const types = new Map<string, string | null>()
  const alignable = new Map<string, boolean>()
  const constraints = new Set<string>()
  const languages = new Set<string>()
  const annotationIds = new Set<string>()
  let lastSlot = -1
  let lastTop = -1
  let depth = 0
  let root: Record<string, string> = {}
  const parser = new SaxesParser<{ xmlns: false }>({ xmlns: false })
  parser.on('opentag', (tag) => {
    depth++
    const a = tag.attributes as Record<string, string>
    if (depth === 1) {
      if (tag.name !== 'ANNOTATION_DOCUMENT') problems.push(`root is ${tag.name}`)
      root = a
    }
    if (depth === 2) {
      const i = order.indexOf(tag.name)
      if (i < 0) problems.push(`unexpected element ${tag.name}`)
      else if (i < lastTop) problems.push(`${tag.name} after ${order[lastTop]}`)
      lastTop = Math.max(lastTop, i)
    }
    switch (tag.name) {
      case 'HEADER':
        if (a.TIME_UNITS !== 'milliseconds') problems.push('TIME_UNITS is not milliseconds')
        break
      case 'MEDIA_DESCRIPTOR':
        if (!a.MEDIA_URL || !a.MIME_TYPE)
          problems.push('MEDIA_DESCRIPTOR lacks MEDIA_URL or MIME_TYPE')
        break
      case 'TIME_SLOT': {
        const id = a.TIME_SLOT_ID ?? ''
        if (!ncName.test(id) || slots.has(id)) problems.push(`bad or duplicate time slot id ${id}`)
        if (!/^\d+$/.test(a.TIME_VALUE ?? ''))
          problems.push(`time slot ${id} has no unsigned TIME_VALUE`)
        const v = Number(a.TIME_VALUE)
        if (v < lastSlot)
          problems.push(`time slot ${id} (${v}) is before the previous one (${lastSlot})`)
        lastSlot = v
        slots.set(id, v)
        break
      }
      case 'TIER':
        if (!a.TIER_ID || !a.LINGUISTIC_TYPE_REF)
          problems.push('TIER lacks TIER_ID or LINGUISTIC_TYPE_REF')
        if (tiers.some((t) => t.id === a.TIER_ID)) problems.push(`duplicate tier ${a.TIER_ID}`)
        tiers.push({
          id: a.TIER_ID ?? '',
          type: a.LINGUISTIC_TYPE_REF ?? '',
          parent: a.PARENT_REF ?? null,
          annotations: [],
          refs: [],
        })
        break
      case 'ALIGNABLE_ANNOTATION': {
        const id = a.ANNOTATION_ID ?? ''
        if (!ncName.test(id) || annotationIds.has(id))
          problems.push(`bad or duplicate annotation id ${id}`)
        annotationIds.add(id)
        tiers[tiers.length - 1]?.annotations.push({
          id,
          r1: a.TIME_SLOT_REF1 ?? '',
          r2: a.TIME_SLOT_REF2 ?? '',
          lang: a.LANG_REF ?? null,
        })
        break
      }
      case 'REF_ANNOTATION': {
        const id = a.ANNOTATION_ID ?? ''
        if (!ncName.test(id) || annotationIds.has(id))
          problems.push(`bad or duplicate annotation id ${id}`)
        annotationIds.add(id)
        tiers[tiers.length - 1]?.refs.push({ id, parent: a.ANNOTATION_REF ?? '' })
        break
      }
      case 'LINGUISTIC_TYPE':
        alignable.set(a.LINGUISTIC_TYPE_ID ?? '', a.TIME_ALIGNABLE !== 'false')
        if (types.has(a.LINGUISTIC_TYPE_ID ?? ''))
          problems.push(`duplicate type ${a.LINGUISTIC_TYPE_ID}`)
        if (a.TIME_ALIGNABLE && !/^(true|false)$/.test(a.TIME_ALIGNABLE))
          problems.push('TIME_ALIGNABLE is not a boolean')
        types.set(a.LINGUISTIC_TYPE_ID ?? '', a.CONSTRAINTS ?? null)
        break
      case 'LANGUAGE':
        if (!ncName.test(a.LANG_ID ?? '')) problems.push(`LANG_ID ${a.LANG_ID} is not an XML name`)
        languages.add(a.LANG_ID ?? '')
        break
      case 'CONSTRAINT':
        constraints.add(a.STEREOTYPE ?? '')
        break
    }
  })
  parser.on('closetag', () => {
    depth--
  })
  parser.write(xml).close()

  if (!root.AUTHOR && root.AUTHOR !== '') problems.push('no AUTHOR')
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(root.DATE ?? ''))
    problems.push('DATE is not an xsd:dateTime')
  if (root.FORMAT !== '3.0' || !root.VERSION)
    problems.push('FORMAT is not 3.0 or VERSION is missing')
  const byId = new Map(tiers.map((t) => [t.id, t]))
  for (const t of tiers) {
    if (!types.has(t.type)) problems.push(`tier ${t.id} has undefined type ${t.type}`)
    const constraint = types.get(t.type) ?? null
    if (constraint && !constraints.has(constraint))
      problems.push(`constraint ${constraint} is not declared`)
    if (t.parent !== null && !byId.has(t.parent))
      problems.push(`tier ${t.id} has unknown parent ${t.parent}`)
    if (t.parent === null && constraint)
      problems.push(`top-level tier ${t.id} has a constrained type`)
    if (t.parent !== null && !constraint)
      problems.push(`dependent tier ${t.id} has a type without constraint`)
    const intervals = t.annotations.map((an) => {
      if (!slots.has(an.r1) || !slots.has(an.r2))
        problems.push(`annotation ${an.id} refers to a missing time slot`)
      if (an.lang !== null && !languages.has(an.lang))
        problems.push(`annotation ${an.id} has undeclared language ${an.lang}`)
      const s = slots.get(an.r1) ?? NaN
      const e = slots.get(an.r2) ?? NaN
      if (!(e > s)) problems.push(`annotation ${an.id} does not end after it starts`)
      return { id: an.id, s, e }
    })
    const sorted = [...intervals].sort((x, y) => x.s - y.s)
    sorted.forEach((x, i) => {
      const prev = sorted[i - 1]
      if (prev && x.s < prev.e)
        problems.push(`annotations ${prev.id} and ${x.id} overlap on tier ${t.id}`)
    })
    const symbolic = constraint === 'Symbolic_Association' || constraint === 'Symbolic_Subdivision'
    if (symbolic === (alignable.get(t.type) ?? true))
      problems.push(`type ${t.type} (${constraint}) has TIME_ALIGNABLE ${!symbolic}`)
    if (symbolic && t.annotations.length)
      problems.push(`tier ${t.id} of a symbolic type has alignable annotations`)
    if (!symbolic && t.refs.length)
      problems.push(`tier ${t.id} of a time-alignable type has reference annotations`)
    const parentIds = new Set(
      [
        ...(byId.get(t.parent ?? '')?.annotations ?? []),
        ...(byId.get(t.parent ?? '')?.refs ?? []),
      ].map((an) => an.id),
    )
    const referred = new Set<string>()
    for (const r of t.refs) {
      if (!parentIds.has(r.parent))
        problems.push(
          `annotation ${r.id} refers to ${r.parent}, not an annotation of tier ${t.parent}`,
        )
      if (constraint === 'Symbolic_Association' && referred.has(r.parent))
        problems.push(`annotation ${r.id} is a second association of ${r.parent}`)
      referred.add(r.parent)
    }
    if (t.parent !== null && constraint === 'Included_In') {
      const parent =
        byId
          .get(t.parent)
          ?.annotations.map((an) => [slots.get(an.r1) ?? NaN, slots.get(an.r2) ?? NaN]) ?? []
      for (const x of intervals)
        if (!parent.some(([s, e]) => (s ?? NaN) <= x.s && x.e <= (e ?? NaN)))
          problems.push(`annotation ${x.id} is not inside a parent annotation`)
    }
  }
  return problems
}
