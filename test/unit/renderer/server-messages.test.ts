import { describe, expect, it } from 'vitest'
import { SautiError } from '../../../src/shared/errors'
import {
  formatMessage,
  said,
  serverMessages,
  type ServerMessageKey,
} from '../../../src/shared/messages'
import { errorText } from '../../../src/renderer/src/composables/useErrorText'
import { createAppI18n } from '../../../src/renderer/src/i18n'
import sw from '../../../src/renderer/src/i18n/areas/errors.sw.json'

const keys = Object.keys(serverMessages) as ServerMessageKey[]
const placeholders = (template: string): string[] =>
  [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()
const sample = (key: ServerMessageKey): Record<string, string> =>
  Object.fromEntries(placeholders(serverMessages[key]).map((name) => [name, `<${name}>`]))

function ui(locale: 'en' | 'sw') {
  const { t, te } = createAppI18n(locale).global
  return (error: Parameters<typeof errorText>[0]): string =>
    errorText(error, t as (k: string, a?: Record<string, unknown>) => string, te)
}

describe('messages of the core, by key', () => {
  it('read in the English UI exactly as the CLI prints them', () => {
    const en = ui('en')
    for (const key of keys) {
      const error = SautiError.saying('conflict', key, sample(key))
      expect(en(error), key).toBe(error.message)
      expect(error.message).toBe(formatMessage(key, sample(key)))
    }
  })

  it('have a Kiswahili text with the same arguments (articles aside), which the Kiswahili UI shows', () => {
    const toSw = ui('sw')
    for (const key of keys) {
      const text = (sw.serverMessage as Record<string, string>)[key]
      expect(text, key).toBeDefined()
      // English grammar may need arguments Kiswahili does not (the article of a role name).
      const english = placeholders(serverMessages[key]).filter((p) => !p.endsWith('Article'))
      expect(placeholders(text!), key).toEqual(english)
      const error = SautiError.saying('conflict', key, sample(key)).toInfo()
      expect(toSw(error), key).not.toBe(error.message)
    }
    expect(toSw(SautiError.saying('not_found', 'fileMissing', { path: '/data/a.wav' }))).toBe(
      '/data/a.wav: hakuna faili wala folda kama hii.',
    )
  })

  it('translate role names among the arguments, and leave a message without a key as it is', () => {
    const needs = SautiError.saying('forbidden', 'needsRole', {
      method: 'export.start',
      needed: 'lead',
      neededArticle: 'a',
      login: 'amina',
      role: 'annotator',
      roleArticle: 'an',
    })
    expect(needs.message).toBe('export.start needs a lead; "amina" is an annotator')
    expect(ui('sw')(needs)).toBe(
      'export.start inahitaji jukumu la kiongozi; "amina" ana jukumu la mwandishi',
    )
    expect(ui('sw')({ message: 'something else' })).toBe('something else')
  })

  it('say what only a lead may do, and why an utterance is not served, in the reader’s words', () => {
    const leadOnly = SautiError.saying('forbidden', 'leadOnly', {
      action: said('defineTiers'),
      name: 'amina',
      roleArticle: 'an',
      role: 'annotator',
    }).toInfo()
    expect(leadOnly.message).toBe('only a lead may define tiers; "amina" is an annotator.')
    expect(ui('en')(leadOnly)).toBe(leadOnly.message)
    expect(ui('sw')(leadOnly)).toBe(
      'ni kiongozi wa mradi pekee anayeweza kufafanua matabaka; "amina" ana jukumu la mwandishi.',
    )
    // The consent state is named as the consent screens name it.
    const unserved = SautiError.saying('forbidden', 'notServed', {
      id: 12,
      who: said('speakerNamed', { code: 'SPK-3' }),
      consentState: 'withdrawn',
    }).toInfo()
    expect(unserved.message).toBe(
      'utterance 12 is not served: speaker SPK-3 has no valid consent to annotation (withdrawn)',
    )
    expect(ui('sw')(unserved)).toBe(
      'kipande 12 hakitolewi: mzungumzaji SPK-3 hana ridhaa halali ya unukuzi (imeondolewa)',
    )
  })

  it('name the job a refusal is about in the interface language, and its parts too', () => {
    const job = said('scoreJob', {
      a: said('baseModelName'),
      b: said('checkpointName', { id: 1 }),
      split: 'test',
    })
    const refusal = SautiError.saying('forbidden', 'notYourJob', {
      job,
      starter: 'juma',
      login: 'baraka',
    }).toInfo()
    expect(refusal.message).toBe(
      '"baraka" may not cancel "Score the base model and checkpoint 1 on the test split": only the one who started it (juma) or a lead can',
    )
    expect(ui('en')(refusal)).toBe(refusal.message)
    expect(ui('sw')(refusal)).toBe(
      '"baraka" hawezi kughairi "Kupima modeli ya msingi na kituo 1 kwenye seti ya test": ni aliyeianzisha (juma) au kiongozi tu anayeweza',
    )
    // What an export is for is a consent scope, named as the consent screens name it.
    const exporting = said('exportJob', { use: 'model_training', dir: '/data/out' })
    expect(formatMessage(exporting.key, exporting.args)).toBe(
      'Export for model_training to /data/out',
    )
    expect(ui('sw')({ message: '', said: exporting })).toBe(
      'Kuhamisha kwa ajili ya Kufunza modeli hadi /data/out',
    )
  })
})
