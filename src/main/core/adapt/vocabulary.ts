import { normalizeForScoring } from '../../../shared/text/normalize'
import { encodeText, type Vocabulary } from '../asr/vocab'
import {
  initParams,
  tensorViews,
  type AdapterHeadParams,
  type AdapterHeadShape,
} from '../train/adapter-head'

export const BLANK = '<blank>'
export const DELIMITER = '|'

/**
 * The text a head learns to write: the transcript normalised as for scoring (NFC, lower case,
 * punctuation dropped except inside words; docs/metrics.md). Hypotheses come out in this form.
 */
export function trainingText(text: string): string {
  return normalizeForScoring(text)
}

/**
 * A character vocabulary for an adapted head: blank, word delimiter, then characters. A child
 * keeps its parent's tokens in their places and appends characters it has not seen, so the
 * parent's head rows carry over.
 */
export function buildVocabulary(parent: Vocabulary | null, texts: string[]): Vocabulary {
  const tokens = parent ? [...parent.tokens] : [BLANK, DELIMITER]
  const known = new Set(tokens)
  const fresh = new Set<string>()
  for (const text of texts)
    for (const char of trainingText(text)) if (char !== ' ' && !known.has(char)) fresh.add(char)
  tokens.push(...[...fresh].sort())
  return {
    tokens,
    blank: tokens.indexOf(BLANK),
    wordDelimiter: tokens.indexOf(DELIMITER) >= 0 ? tokens.indexOf(DELIMITER) : null,
  }
}

/** CTC targets for a transcript: its characters' ids with delimiters between words. */
export function targetsOf(text: string, vocabulary: Vocabulary): number[] {
  return encodeText(trainingText(text), vocabulary).ids
}

export interface Inherited {
  params: AdapterHeadParams
  /** 1 for each parameter taken from the parent, 0 for each that starts fresh. */
  inherited: Uint8Array
}

/**
 * Starting parameters for a child checkpoint: the parent's adapter (when the shapes agree) and
 * the parent's head rows for the tokens both vocabularies have; new tokens start fresh.
 */
export function inheritParams(
  parent: { params: AdapterHeadParams; vocabulary: Vocabulary } | null,
  shape: AdapterHeadShape,
  vocabulary: Vocabulary,
  seed: number,
): Inherited {
  const child = initParams(shape, seed)
  const inherited = new Uint8Array(child.data.length)
  if (!parent || parent.params.shape.dim !== shape.dim) return { params: child, inherited }
  const from = tensorViews(parent.params.shape, parent.params.data)
  const to = tensorViews(shape, child.data)
  const marks = tensorViews(shape, inherited)
  if (parent.params.shape.bottleneck === shape.bottleneck)
    for (const name of [
      'adapter.norm.weight',
      'adapter.norm.bias',
      'adapter.down.weight',
      'adapter.down.bias',
      'adapter.up.weight',
      'adapter.up.bias',
    ] as const) {
      const source = from[name]
      if (!source) continue
      to[name]!.set(source)
      marks[name]!.fill(1)
    }
  // Tokens match as written, else case-folded (a base model may spell in capitals).
  const index = new Map(parent.vocabulary.tokens.map((t, i) => [t, i]))
  const folded = new Map(
    parent.vocabulary.tokens.map((t, i) => [t.normalize('NFC').toLowerCase(), i]),
  )
  vocabulary.tokens.forEach((token, row) => {
    const old = index.get(token) ?? folded.get(token)
    if (old === undefined) return
    to['head.weight']!.set(
      from['head.weight']!.subarray(old * shape.dim, (old + 1) * shape.dim),
      row * shape.dim,
    )
    to['head.bias']![row] = from['head.bias']![old]!
    marks['head.weight']!.fill(1, row * shape.dim, (row + 1) * shape.dim)
    marks['head.bias']![row] = 1
  })
  return { params: child, inherited }
}
