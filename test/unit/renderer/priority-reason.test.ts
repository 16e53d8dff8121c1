import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import en from '../../../src/renderer/src/i18n/en.json'
import sw from '../../../src/renderer/src/i18n/sw.json'
import { describeReason } from '../../../src/renderer/src/format/priority-reason'

/** The queue's "why here", in the messages the workbench ships (vue-i18n, as the renderer). */
function words(locale: 'en' | 'sw') {
  const i18n = createI18n({ legacy: false, locale, messages: { en, sw } })
  return (key: string, values?: Record<string, unknown>): string => i18n.global.t(key, values ?? {})
}

describe('why an utterance sits where it does', () => {
  it('names the typical pick of a group during the cold start', () => {
    const reason = {
      strategy: 'hybrid',
      measure: 'typicality',
      value: null,
      cluster: 2,
      clusters: 5,
      phase: 'diverse',
    } as const
    expect(describeReason(reason, words('en'))).toBe('typical of group 2/5')
    expect(describeReason(reason, words('sw'))).toBe('mfano wa kawaida wa kundi 2/5')
  })

  it('says when flags in its group discount it, and when it waits for looking like a flagged one', () => {
    const t = words('en')
    expect(
      describeReason(
        {
          strategy: 'hybrid',
          measure: 'least_confidence',
          value: 0.42,
          cluster: 1,
          clusters: 4,
          rankInCluster: 3,
          speakerCorrected: 7,
          nearFlagged: 1,
          nearReviewed: 3,
          phase: 'uncertain',
        },
        t,
      ),
    ).toBe(
      'group 1/4 · #3 uncertain (42 %); speaker has 7 done; 1 of 3 reviewed in its group were flagged',
    )
    expect(
      describeReason(
        {
          strategy: 'hybrid',
          measure: 'least_confidence',
          value: 0.9,
          nearFlagged: 1,
          nearReviewed: 2,
          likeFlagged: true,
        },
        t,
      ),
    ).toBe(
      'uncertain 90 %; 1 of 2 reviewed in its group were flagged; most like one that was flagged',
    )
  })
})
