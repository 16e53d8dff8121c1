/**
 * Error counts between a reference and a hypothesis token sequence, aligned the way NIST sclite
 * aligns them (dynamic programming with costs: correct 0, substitution 4, insertion 3,
 * deletion 3), so Sauti's WER equals sclite's on the same text (test/integration/wer-sclite).
 */
export interface ErrorCounts {
  /** Reference length. */
  n: number
  hits: number
  substitutions: number
  deletions: number
  insertions: number
}

export type AlignmentOp = 'ok' | 'sub' | 'del' | 'ins'

export interface Alignment extends ErrorCounts {
  ops: { op: AlignmentOp; ref: string | null; hyp: string | null }[]
}

const COST = { sub: 4, ins: 3, del: 3 } as const

/**
 * `same` decides when a reference and a hypothesis token match; exact equality by default.
 * Transliteration-normalised scoring passes a looser one (code-switch.ts).
 */
export function align(
  ref: readonly string[],
  hyp: readonly string[],
  same: (ref: string, hyp: string) => boolean = (r, h) => r === h,
): Alignment {
  const rows = ref.length + 1
  const cols = hyp.length + 1
  const cost = new Uint32Array(rows * cols)
  for (let i = 1; i < rows; i++) cost[i * cols] = i * COST.del
  for (let j = 1; j < cols; j++) cost[j] = j * COST.ins
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const diagonal =
        cost[(i - 1) * cols + j - 1]! + (same(ref[i - 1]!, hyp[j - 1]!) ? 0 : COST.sub)
      const up = cost[(i - 1) * cols + j]! + COST.del
      const left = cost[i * cols + j - 1]! + COST.ins
      cost[i * cols + j] = Math.min(diagonal, up, left)
    }
  }
  // Trace back, preferring the diagonal on ties (as sclite does).
  const ops: Alignment['ops'] = []
  let i = ref.length
  let j = hyp.length
  while (i > 0 || j > 0) {
    const here = cost[i * cols + j]!
    if (i > 0 && j > 0) {
      const match = same(ref[i - 1]!, hyp[j - 1]!)
      if (here === cost[(i - 1) * cols + j - 1]! + (match ? 0 : COST.sub)) {
        ops.push({ op: match ? 'ok' : 'sub', ref: ref[i - 1]!, hyp: hyp[j - 1]! })
        i--
        j--
        continue
      }
    }
    if (i > 0 && here === cost[(i - 1) * cols + j]! + COST.del) {
      ops.push({ op: 'del', ref: ref[i - 1]!, hyp: null })
      i--
    } else {
      ops.push({ op: 'ins', ref: null, hyp: hyp[j - 1]! })
      j--
    }
  }
  ops.reverse()
  const count = (op: AlignmentOp): number => ops.filter((o) => o.op === op).length
  return {
    n: ref.length,
    hits: count('ok'),
    substitutions: count('sub'),
    deletions: count('del'),
    insertions: count('ins'),
    ops,
  }
}

export function addCounts(a: ErrorCounts, b: ErrorCounts): ErrorCounts {
  return {
    n: a.n + b.n,
    hits: a.hits + b.hits,
    substitutions: a.substitutions + b.substitutions,
    deletions: a.deletions + b.deletions,
    insertions: a.insertions + b.insertions,
  }
}

export const noErrors: ErrorCounts = {
  n: 0,
  hits: 0,
  substitutions: 0,
  deletions: 0,
  insertions: 0,
}

/** (S + D + I) / N; 0 for an empty reference with an empty hypothesis, Infinity with words. */
export function errorRate(c: ErrorCounts): number {
  const errors = c.substitutions + c.deletions + c.insertions
  if (c.n === 0) return errors === 0 ? 0 : Number.POSITIVE_INFINITY
  return errors / c.n
}

/** The counts alone, without what else the record carries (an alignment's ops, a rate). */
export function countsOnly(c: ErrorCounts): ErrorCounts {
  return {
    n: c.n,
    hits: c.hits,
    substitutions: c.substitutions,
    deletions: c.deletions,
    insertions: c.insertions,
  }
}

/** The counts with their rate, as reports show them. */
export function withRate(c: ErrorCounts): ErrorCounts & { rate: number } {
  return { ...countsOnly(c), rate: errorRate(c) }
}
