import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { rewriteFontStylesheet } from '../../scripts/bundled-fonts'

const require = createRequire(import.meta.url)
const stylesheet = (pkg: string, weight: number): string =>
  readFileSync(require.resolve(`@fontsource/${pkg}/${weight}.css`), 'utf8')

describe('the bundled fonts', () => {
  it('keeps the script subset of a script family, in woff2, under the app’s own name', () => {
    const css = rewriteFontStylesheet(
      'noto-sans-devanagari',
      stylesheet('noto-sans-devanagari', 400),
    )
    expect(css.match(/@font-face/g)).toHaveLength(1)
    expect(css).toContain("font-family: 'Sauti Noto Devanagari'")
    expect(css).toContain('unicode-range: U+0900-097F')
    expect(css).toMatch(/url\([^)]+devanagari-400-normal\.woff2\) format\('woff2'\);/)
    expect(css).not.toMatch(/\.woff\)/)
  })

  it('leaves Devanagari out of Noto Sans and keeps its other subsets', () => {
    const css = rewriteFontStylesheet('noto-sans', stylesheet('noto-sans', 600))
    expect(css).not.toContain('U+0900-097F')
    expect(css.match(/@font-face/g)).toHaveLength(7)
    expect(css.match(/font-family: 'Sauti Noto Sans'/g)).toHaveLength(7)
  })

  it('keeps only the numbered slices of Japanese', () => {
    const css = rewriteFontStylesheet('noto-sans-jp', stylesheet('noto-sans-jp', 400))
    expect(css.match(/@font-face/g)).toHaveLength(120)
    expect(css).not.toMatch(/jp-latin/)
  })

  it('refuses a package it was not told about', () => {
    expect(() => rewriteFontStylesheet('noto-serif', '')).toThrow(/not one of the bundled fonts/)
  })
})
