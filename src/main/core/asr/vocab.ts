/**
 * A CTC model's output vocabulary (wav2vec2 / MMS convention: one token per character or
 * phone, a blank, and a word delimiter such as "|"), and the mapping of text onto it.
 */
export interface Vocabulary {
  tokens: string[]
  blank: number
  /** Index of the word-delimiter token, if the vocabulary has one. */
  wordDelimiter: number | null
}

export interface EncodedText {
  words: string[]
  /** Token ids to align, delimiters between words included. */
  ids: number[]
  /** For each id, the index of its word; -1 for a delimiter. */
  wordOfToken: number[]
  /** Characters the vocabulary cannot spell, per word (they are left out of the alignment). */
  unknown: { word: number; char: string }[]
}

/** Spells text with the vocabulary, word by word; case is matched when only one case exists. */
export function encodeText(text: string, vocab: Vocabulary): EncodedText {
  const index = tokenIndex(vocab)
  const words = text.normalize('NFC').split(/\s+/u).filter(Boolean)
  const ids: number[] = []
  const wordOfToken: number[] = []
  const unknown: EncodedText['unknown'] = []
  words.forEach((word, w) => {
    if (w > 0 && vocab.wordDelimiter !== null) {
      ids.push(vocab.wordDelimiter)
      wordOfToken.push(-1)
    }
    for (const char of word) {
      const id = index.get(char) ?? index.get(char.toLowerCase()) ?? index.get(char.toUpperCase())
      if (id === undefined || id === vocab.blank) {
        unknown.push({ word: w, char })
        continue
      }
      ids.push(id)
      wordOfToken.push(w)
    }
  })
  return { words, ids, wordOfToken, unknown }
}

/**
 * Each vocabulary's token → id map, made once (a vocabulary is not changed once made):
 * labelling spells five texts a clip.
 */
const indexes = new WeakMap<Vocabulary, Map<string, number>>()

function tokenIndex(vocab: Vocabulary): Map<string, number> {
  let index = indexes.get(vocab)
  if (!index) {
    index = new Map(vocab.tokens.map((t, i) => [t, i]))
    indexes.set(vocab, index)
  }
  return index
}

/** Token ids back to text: delimiters become spaces. */
export function decodeTokens(ids: readonly number[], vocab: Vocabulary): string {
  return ids
    .map((id) => (id === vocab.wordDelimiter ? ' ' : (vocab.tokens[id] ?? '')))
    .join('')
    .replace(/\s+/gu, ' ')
    .trim()
}
