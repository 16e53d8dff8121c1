import { describe, expect, it } from 'vitest'
import { mainSources } from '../support/sources'

/**
 * Files that may write the rule for "a person's transcript" out in SQL, and why. Any other query
 * that asks whether a revision is a draft, a decision or a person's must ask
 * core/provenance/human-text.ts, so the rule cannot drift between copies.
 */
const allowed: Record<string, string> = {
  'src/main/core/provenance/human-text.ts': 'the rule itself: the fragments every query asks',
}

/** The rule's pieces as SQL spells them: the draft flag compared, the kinds that are people's. */
const handWritten = [
  /\bdraft\s*(?:=|==|<>|!=|IS(?:\s+NOT)?)\s*[01]\b/i,
  /\bsource_kind\s+(?:NOT\s+)?IN\s*\(\s*'(?:annotator|import)'\s*,\s*'(?:annotator|import)'\s*\)/i,
  /\bsource_kind\s*(?:<>|!=)\s*'model'/i,
  /\bsource_kind\s+NOT\s+IN\s*\(\s*'model'\s*\)/i,
]
const writesRule = (text: string): boolean => handWritten.some((p) => p.test(text))

describe("queries about a person's transcript", () => {
  const files = mainSources()

  it('ask core/provenance/human-text.ts (or say in the allow-list why not)', () => {
    const offenders = files.filter((f) => writesRule(f.text) && !(f.name in allowed))
    expect(offenders.map((f) => f.name)).toEqual([])
  })

  it('keeps the allow-list honest: each exception still writes the rule', () => {
    for (const name of Object.keys(allowed))
      expect(writesRule(files.find((f) => f.name === name)?.text ?? ''), name).toBe(true)
  })

  it('finds the rule in SQL however it is written', () => {
    for (const sql of [
      'WHERE draft = 0',
      'AND v.draft=1',
      'x.draft <> 1',
      'draft IS 0',
      "v.source_kind IN ('annotator', 'import')",
      "source_kind in ('import','annotator')",
      "w.source_kind <> 'model'",
      "source_kind NOT IN ('model')",
    ])
      expect(writesRule(sql), sql).toBe(true)
    for (const text of [
      'if (r.draft === 1) return',
      'draft: input.draft || false',
      'const draft = (r: Row)',
      "source_kind = 'annotator' AND annotator_id <> ?",
      'an autosave draft = not a decision',
    ])
      expect(writesRule(text), text).toBe(false)
  })
})
