/**
 * From what a person types in the search box to an FTS5 query. Every word becomes a quoted FTS5
 * string (so no word is read as an operator: AND, NOT, NEAR, a column name or a `*`), "quoted
 * words" stay a phrase, and the last word typed is a prefix, so `soko` finds `sokoni` while the
 * person is still typing. The words are all required.
 */

/** Characters that the index counts as part of a word (letters, digits, marks). */
const wordCharacter = /[\p{L}\p{N}\p{M}]/u

function ftsString(term: string): string {
  return `"${term.replace(/"/g, '""')}"`
}

/** The FTS5 query for `typed` (already normalised as transcripts are stored), or null if it has no word. */
export function matchQuery(typed: string): string | null {
  const terms: { text: string; phrase: boolean }[] = []
  // Split into "phrases" and bare words; an unclosed quote runs to the end.
  for (const part of typed.matchAll(/"([^"]*)"?|([^\s"]+)/gu)) {
    const phrase = part[1] !== undefined
    const text = (part[1] ?? part[2] ?? '').trim()
    if (wordCharacter.test(text)) terms.push({ text, phrase })
  }
  if (terms.length === 0) return null
  return terms
    .map((t, i) => ftsString(t.text) + (!t.phrase && i === terms.length - 1 ? '*' : ''))
    .join(' ')
}

/** The markers `highlight()` puts around matches: control characters no transcript may hold. */
export const markOpen = '\u0002'
export const markClose = '\u0003'

/** A transcript with the index's markers, as pieces marked where they matched. */
export function piecesOf(marked: string): { text: string; match: boolean }[] {
  const pieces: { text: string; match: boolean }[] = []
  let match = false
  for (const chunk of marked.split(new RegExp(`(${markOpen}|${markClose})`, 'u'))) {
    if (chunk === markOpen) match = true
    else if (chunk === markClose) match = false
    else if (chunk !== '') {
      const last = pieces[pieces.length - 1]
      // Two marks that touch read as one.
      if (last && last.match === match) last.text += chunk
      else pieces.push({ text: chunk, match })
    }
  }
  return pieces
}
