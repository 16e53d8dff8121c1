import type { Alignment, ErrorCounts } from './errors'

/**
 * An alignment's errors pinned to reference positions, so that errors can be counted for a
 * subset of the reference (one language's words, the points of interest, the words at a
 * switch). Substitutions and deletions belong to their reference token. An insertion belongs
 * to the reference token after it, and insertions after the last token to the last token: the
 * convention of Ugan et al.'s PIER implementation (an edit's source position). Insertions into
 * an empty reference belong to no position.
 */
export interface AttributedAlignment {
  op: ('ok' | 'sub' | 'del')[]
  insertions: number[]
  unattributed: number
}

export function attribute(alignment: Alignment): AttributedAlignment {
  const op: AttributedAlignment['op'] = []
  const insertions: number[] = []
  let pending = 0
  for (const o of alignment.ops) {
    if (o.op === 'ins') {
      pending++
      continue
    }
    op.push(o.op)
    insertions.push(pending)
    pending = 0
  }
  if (op.length > 0) insertions[op.length - 1]! += pending
  return { op, insertions, unattributed: op.length > 0 ? 0 : pending }
}

/** Error counts over a set of reference positions. */
export function countAt(a: AttributedAlignment, positions: Iterable<number>): ErrorCounts {
  const c = { n: 0, hits: 0, substitutions: 0, deletions: 0, insertions: 0 }
  for (const i of positions) {
    const op = a.op[i]
    if (op === undefined) continue
    c.n++
    if (op === 'ok') c.hits++
    else if (op === 'sub') c.substitutions++
    else c.deletions++
    c.insertions += a.insertions[i]!
  }
  return c
}
