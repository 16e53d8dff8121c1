import { z } from 'zod'
import { SautiError } from '../../../shared/errors'
import {
  languageTag,
  speakerCode,
  speakerFields,
  transcript,
} from '../../../shared/contract/fields'
import { maxTierIntervals, tierName, tierText } from '../../../shared/contract/tiers'
import { checkField } from '../formats/text-gate'
import type { ReadAnnotation } from './read-annotation'

const speakerMeta = z.object({
  ageBand: speakerFields.ageBand,
  gender: speakerFields.gender,
  dialect: speakerFields.dialect,
  firstLanguage: speakerFields.firstLanguage,
})

/**
 * Holds what an annotation file brings in to the contract's rules (shared/fields.ts): transcript
 * length and characters, speaker codes, language tags, speaker metadata, and the names and texts
 * of the project tiers it holds. Tier and participant names become speaker codes, so their
 * spaces become "_" (with a note); anything else the API would refuse refuses the file, naming
 * the utterance, speaker or tier.
 */
export function checkCorpusFields(read: ReadAnnotation): void {
  const { corpus, file } = read
  const renamed = new Map<string, string>()
  const code = (raw: string | null, where: string): string | null => {
    if (raw === null || raw === '') return raw
    const spaced = raw.trim().replace(/\s+/g, '_')
    const checked = checkField(speakerCode, spaced, where, 'speaker code')
    if (checked !== raw) renamed.set(raw, checked)
    return checked
  }
  for (const s of corpus.speakers) {
    const where = `${file}: speaker "${s.code.slice(0, 80)}"`
    s.code = code(s.code, where) ?? s.code
    checkField(speakerMeta, s, where, 'metadata')
  }
  for (const r of corpus.recordings) r.speaker = code(r.speaker, `${file}: recording "${r.id}"`)
  for (const u of corpus.utterances) {
    const where = `${file}: utterance "${u.id}"`
    u.speaker = code(u.speaker, where)
    checkField(transcript, u.text, where, 'transcript')
    if (u.language !== null) checkField(languageTag, u.language, where, 'language')
    for (const span of u.spans) checkField(languageTag, span.lang, where, 'span language')
  }
  const names = new Map<string, string>()
  for (const t of corpus.tiers ?? []) {
    const name = checkField(tierName, t.name, `${file}: tier "${t.name.slice(0, 80)}"`, 'tier name')
    names.set(t.name, name)
    t.name = name
  }
  for (const u of corpus.utterances)
    for (const t of u.tiers ?? []) {
      const where = `${file}: utterance "${u.id}", tier "${t.tier.slice(0, 80)}"`
      if (t.intervals.length > maxTierIntervals)
        throw new SautiError(
          'bad_input',
          `${where}: ${t.intervals.length} intervals; a tier holds at most ${maxTierIntervals} on one utterance.`,
        )
      for (const i of t.intervals) checkField(tierText, i.text, where, 'tier text')
      t.tier = names.get(t.tier) ?? t.tier
    }
  for (const [from, to] of renamed)
    read.notes.push(`speaker "${from}" is stored as "${to}": speaker codes have no spaces.`)
}
