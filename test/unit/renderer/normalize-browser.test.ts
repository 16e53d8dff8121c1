import { existsSync } from 'node:fs'
import { build } from 'esbuild'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { comparisonKey } from '../../../src/shared/text/phonetic-key'
import {
  normalize,
  recommendedRules,
  scoringDefaults,
  type NormalizationRules,
} from '../../../src/shared/text/normalize'
import { romanize } from '../../../src/shared/text/transliterate'
import { appRoot } from '../../support/fixtures'
import { chromiumPath, launchChromium } from '../../support/serve'

/**
 * The renderer normalises what the annotator types and searches for with the same shared code
 * the core scores with. This file runs under vitest in Node (like the other renderer unit
 * tests), so the second half bundles the shared module with esbuild, as the renderer's build
 * does, and runs it in a real Chromium page: the browser's own String.prototype.normalize and
 * Unicode property regexes, not Node's.
 */
const QIRA = {
  precomposed: '\u0958िला', // क़ as one code point
  sequence: '\u0915\u093Cिला', // क + nukta
  nfcDecomposed: '\u0958िला'.normalize('NFC'),
  typedLate: '\u0915\u093F\u093Cला', // nukta typed after the vowel sign
}

const ruleSets: Record<string, NormalizationRules> = {
  defaults: scoringDefaults,
  recommended: recommendedRules,
  strip: { ...recommendedRules, nukta: 'strip', arabicLetters: 'persian' },
}

const texts = [
  ...Object.values(QIRA),
  'मुझे कल Office जाना है। २४ घंटे',
  'क्\u200Dष می\u200Cخواهم كتاب ٣٥',
  "Don’t co-operate — 'quoted'",
  '私はofficeに行きます。',
]

describe('normalisation in the renderer’s code (Node)', () => {
  it('makes the nukta spellings one', () => {
    const forms = [QIRA.precomposed, QIRA.sequence, QIRA.nfcDecomposed]
    expect(new Set(forms.map((t) => normalize(t))).size).toBe(1)
    expect(normalize(QIRA.typedLate, recommendedRules)).toBe(normalize(QIRA.precomposed))
  })
})

type Results = { normalized: string[]; keys: string[]; roman: string[] }

/** What the bundle puts on the page's global object. */
interface BundledText {
  normalize: typeof normalize
  comparisonKey: typeof comparisonKey
  romanize: typeof romanize
}

function inNode(): Results {
  return {
    normalized: Object.values(ruleSets).flatMap((r) => texts.map((t) => normalize(t, r))),
    keys: ['ऑफिस', 'office', 'कंप्यूटर', 'computer', 'घर'].map(comparisonKey),
    roman: [romanize('ज़िंदगी ऑफ़िस', 'iso'), romanize('मीटिंग', 'loose')],
  }
}

describe.skipIf(!existsSync(chromiumPath))(
  `normalisation in a real Chromium page (${chromiumPath})`,
  () => {
    let browser: Browser

    beforeAll(async () => {
      browser = await launchChromium()
    }, 60_000)

    afterAll(async () => {
      await browser?.close()
    })

    it('gives the browser the same results as Node', { timeout: 60_000 }, async () => {
      const bundle = await build({
        stdin: {
          contents: [
            "export { normalize } from './src/shared/text/normalize'",
            "export { comparisonKey } from './src/shared/text/phonetic-key'",
            "export { romanize } from './src/shared/text/transliterate'",
          ].join('\n'),
          resolveDir: appRoot,
          loader: 'ts',
        },
        bundle: true,
        format: 'iife',
        globalName: 'sautiText',
        platform: 'browser',
        target: 'chrome120',
        write: false,
      })
      const page = await browser.newPage()
      await page.setContent('<!doctype html><meta charset="utf-8"><title>normalize</title>')
      await page.addScriptTag({ content: bundle.outputFiles[0]!.text })
      const fromBrowser = await page.evaluate(
        ({ qira, ruleSets, texts }) => {
          const t = (globalThis as unknown as { sautiText: BundledText }).sautiText
          return {
            userAgent: navigator.userAgent,
            nuktaForms: [qira.precomposed, qira.sequence, qira.nfcDecomposed].map((x) =>
              t.normalize(x),
            ),
            typedLate: t.normalize(qira.typedLate, ruleSets.recommended),
            results: {
              normalized: Object.values(ruleSets).flatMap((r) =>
                texts.map((x) => t.normalize(x, r)),
              ),
              keys: ['ऑफिस', 'office', 'कंप्यूटर', 'computer', 'घर'].map(t.comparisonKey),
              roman: [t.romanize('ज़िंदगी ऑफ़िस', 'iso'), t.romanize('मीटिंग', 'loose')],
            },
          }
        },
        { qira: QIRA, ruleSets, texts },
      )
      await page.close()
      expect(fromBrowser.userAgent).toMatch(/HeadlessChrome|Chrome/)
      expect(new Set(fromBrowser.nuktaForms).size).toBe(1)
      expect(fromBrowser.typedLate).toBe(fromBrowser.nuktaForms[0])
      expect(fromBrowser.nuktaForms[0]).toBe(normalize(QIRA.precomposed))
      expect(fromBrowser.results).toEqual(inNode())
      expect(fromBrowser.results.keys.slice(0, 4)).toEqual(['afs', 'afs', 'kmptr', 'kmptr'])
    })
  },
)
