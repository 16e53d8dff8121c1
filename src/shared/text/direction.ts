/**
 * The writing direction a transcript is shown in, from its language tag (docs/ui.md, "Right to
 * left"). A script subtag decides where there is one (ur-Latn is Roman Urdu, left to right;
 * sw-Arab is Swahili in Arabic script); otherwise the languages usually written right to left
 * are 'rtl'. Every other tag, and no tag, is 'auto': the text's first strong letter decides, so
 * a language written in either direction (Swahili in Ajami, Hausa in Ajami) still reads right.
 */
export type TextDirection = 'ltr' | 'rtl' | 'auto'

const rtlScripts = new Set(['arab', 'hebr', 'thaa', 'syrc', 'nkoo', 'adlm', 'mand', 'samr', 'rohg'])
const rtlLanguages = new Set([
  'ar',
  'he',
  'iw',
  'fa',
  'ur',
  'ps',
  'sd',
  'ug',
  'yi',
  'dv',
  'ckb',
  'ks',
])

export function textDirection(language: string | null | undefined): TextDirection {
  const [primary = '', ...rest] = (language ?? '').toLowerCase().split(/[-_]/)
  const script = rest.find((subtag) => /^[a-z]{4}$/.test(subtag))
  if (script) return rtlScripts.has(script) ? 'rtl' : 'ltr'
  return rtlLanguages.has(primary) ? 'rtl' : 'auto'
}
