import { badInput } from './errors'
import type { EafAnnotation, EafDocument } from './eaf-parse'

export type UnalignedSlots = 'interpolate' | 'reject'

/**
 * Time slot values in ms. ELAN leaves slots without TIME_VALUE inside chains of annotations that
 * subdivide a parent; it shows them spread evenly between the nearest aligned slots of the chain,
 * and so do we (`interpolate`), walking the chain of annotations that end and start at each
 * slot. `reject` refuses any such slot instead. A slot no chain connects to an aligned slot is
 * always refused.
 */
export function slotTimes(
  doc: EafDocument,
  file: string,
  unaligned: UnalignedSlots,
): Map<string, number> {
  const known = new Map(doc.slots.map((s) => [s.id, s]))
  const next = new Map<string, string>()
  const previous = new Map<string, string>()
  for (const tier of doc.tiers)
    for (const a of tier.annotations) {
      if (a.kind !== 'alignable') continue
      for (const ref of [a.ref1, a.ref2])
        if (!known.has(ref))
          throw badInput(
            file,
            a.at,
            `annotation "${a.id}" refers to time slot "${ref}", which TIME_ORDER does not define.`,
          )
      if (!next.has(a.ref1)) next.set(a.ref1, a.ref2)
      if (!previous.has(a.ref2)) previous.set(a.ref2, a.ref1)
    }
  const times = new Map<string, number>()
  for (const s of doc.slots) if (s.value !== null) times.set(s.id, s.value)
  const walk = (
    from: string,
    links: Map<string, string>,
  ): { value: number; steps: number } | null => {
    let id = from
    for (let steps = 1; steps <= doc.slots.length; steps++) {
      const to = links.get(id)
      if (to === undefined) return null
      const value = times.get(to)
      if (value !== undefined) return { value, steps }
      id = to
    }
    return null
  }
  for (const s of doc.slots) {
    if (s.value !== null) continue
    if (unaligned === 'reject')
      throw badInput(
        file,
        s.at,
        `time slot "${s.id}" has no TIME_VALUE (unaligned slots are refused).`,
      )
    const before = walk(s.id, previous)
    const after = walk(s.id, next)
    if (!before || !after) {
      // A slot no annotation uses needs no time.
      if (!next.has(s.id) && !previous.has(s.id)) continue
      throw badInput(
        file,
        s.at,
        `time slot "${s.id}" has no TIME_VALUE and no aligned slot to interpolate from.`,
      )
    }
    times.set(
      s.id,
      before.value + ((after.value - before.value) * before.steps) / (before.steps + after.steps),
    )
  }
  return times
}

/**
 * Every annotation's [start, end] in ms. Alignable annotations take their slots; reference
 * annotations take their parent's interval, shared evenly among the siblings of a symbolic
 * subdivision in PREVIOUS_ANNOTATION order, as ELAN draws them.
 */
export function annotationTimes(
  doc: EafDocument,
  file: string,
  slots: Map<string, number>,
): Map<string, [number, number]> {
  const byId = new Map<string, EafAnnotation>()
  for (const t of doc.tiers) for (const a of t.annotations) byId.set(a.id, a)
  const siblings = new Map<string, EafAnnotation[]>()
  for (const a of byId.values()) {
    if (a.kind !== 'ref') continue
    if (!byId.has(a.parent))
      throw badInput(
        file,
        a.at,
        `annotation "${a.id}" refers to annotation "${a.parent}", which does not exist.`,
      )
    const key = `${a.tier}\u0000${a.parent}`
    const group = siblings.get(key) ?? []
    group.push(a)
    siblings.set(key, group)
  }
  const order = new Map<string, { index: number; of: number }>()
  for (const group of siblings.values()) {
    const ids = new Set(group.map((a) => a.id))
    const ordered: EafAnnotation[] = []
    let current = group.find((a) => !a.previous || !ids.has(a.previous))
    while (current && !ordered.includes(current)) {
      ordered.push(current)
      const id: string = current.id
      current = group.find((a) => a.previous === id)
    }
    for (const a of group) if (!ordered.includes(a)) ordered.push(a)
    ordered.forEach((a, index) => order.set(a.id, { index, of: ordered.length }))
  }
  const times = new Map<string, [number, number]>()
  const resolve = (a: EafAnnotation, depth: number): [number, number] => {
    const done = times.get(a.id)
    if (done) return done
    if (depth > byId.size) throw badInput(file, a.at, `annotation "${a.id}" is its own ancestor.`)
    let span: [number, number]
    if (a.kind === 'alignable') {
      span = [slots.get(a.ref1) ?? NaN, slots.get(a.ref2) ?? NaN]
      if (!(span[1] >= span[0]))
        throw badInput(
          file,
          a.at,
          `annotation "${a.id}" ends (${span[1]} ms) before it starts (${span[0]} ms).`,
        )
    } else {
      const [s, e] = resolve(byId.get(a.parent) as EafAnnotation, depth + 1)
      const place = order.get(a.id) ?? { index: 0, of: 1 }
      span = [s + ((e - s) * place.index) / place.of, s + ((e - s) * (place.index + 1)) / place.of]
    }
    times.set(a.id, span)
    return span
  }
  for (const a of byId.values()) resolve(a, 0)
  return times
}
