import { describe, expect, it } from 'vitest'
import { markClose, markOpen, matchQuery, piecesOf } from '../../src/main/core/search/match'

describe('what a person types, as an FTS5 query', () => {
  it('requires every word and takes the last one as a prefix', () => {
    expect(matchQuery('bei ya soko')).toBe('"bei" "ya" "soko"*')
  })

  it('keeps quoted words a phrase, even unclosed, and never prefixes a phrase', () => {
    expect(matchQuery('"bei ya" soko')).toBe('"bei ya" "soko"*')
    expect(matchQuery('soko "bei ya')).toBe('"soko" "bei ya"')
  })

  it('reads operators, column filters and stray syntax as words, and drops what has no letter', () => {
    expect(matchQuery('NOT soko')).toBe('"NOT" "soko"*')
    expect(matchQuery('text:soko (a')).toBe('"text:soko" "(a"*')
    expect(matchQuery('* - ? ""')).toBeNull()
    expect(matchQuery('   ')).toBeNull()
    expect(matchQuery('हूँ')).toBe('"हूँ"*')
  })
})

describe('a transcript marked by the index, in pieces', () => {
  it('marks the matches and joins marks that touch', () => {
    expect(piecesOf(`bei ${markOpen}ya${markClose} ${markOpen}soko${markClose}ni`)).toEqual([
      { text: 'bei ', match: false },
      { text: 'ya', match: true },
      { text: ' ', match: false },
      { text: 'soko', match: true },
      { text: 'ni', match: false },
    ])
    expect(piecesOf(`${markOpen}a${markClose}${markOpen}b${markClose}`)).toEqual([
      { text: 'ab', match: true },
    ])
    expect(piecesOf('')).toEqual([])
  })
})
