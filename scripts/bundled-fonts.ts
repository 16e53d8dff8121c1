import type { Plugin } from 'vite'

/**
 * The Noto fonts the renderer bundles (docs/ui.md, "Scripts and fonts"): per @fontsource
 * package, the family name the app gives it and the subsets it serves. The renderer imports the
 * weights it uses (src/renderer/src/fonts.ts); this plugin rewrites those stylesheets as they are
 * built. Each face keeps its unicode-range, so a page downloads only the subsets its text needs.
 */
export const bundledFonts: Record<string, { family: string; subsets: (s: string) => boolean }> = {
  'noto-sans': {
    family: 'Sauti Noto Sans',
    // Devanagari comes from its own family below, which the test names.
    subsets: (s) => s !== 'devanagari',
  },
  'noto-sans-devanagari': { family: 'Sauti Noto Devanagari', subsets: (s) => s === 'devanagari' },
  'noto-sans-ethiopic': { family: 'Sauti Noto Ethiopic', subsets: (s) => s === 'ethiopic' },
  'noto-sans-arabic': { family: 'Sauti Noto Arabic', subsets: (s) => s === 'arabic' },
  // The numbered slices hold the kana, Hangul and Han; Latin and Cyrillic come from Noto Sans.
  'noto-sans-jp': { family: 'Sauti Noto Japanese', subsets: (s) => /^\[\d+\]$/.test(s) },
  'noto-sans-kr': { family: 'Sauti Noto Korean', subsets: (s) => /^\[\d+\]$/.test(s) },
}

const stylesheet = /\/@fontsource\/([a-z-]+)\/\d+\.css$/
const face = /\/\* ([^*]+) \*\/\s*@font-face\s*\{[^}]*\}/g

/**
 * One fontsource stylesheet as the app serves it: only the subsets the package is bundled for,
 * under the app's own family name (so system fonts of the same name never stand in for it, and
 * a test can tell the bundled face from them), and woff2 only: every Chromium reads it, and the
 * woff fallback would double the fonts in the build.
 */
export function rewriteFontStylesheet(pkg: string, css: string): string {
  const font = bundledFonts[pkg]
  if (!font) throw new Error(`@fontsource/${pkg} is not one of the bundled fonts`)
  const kept: string[] = []
  for (const [block, name] of css.matchAll(face)) {
    const subset = /^(.+)-\d+-(?:normal|italic)$/.exec(name!.slice(pkg.length + 1))?.[1]
    if (!subset || !font.subsets(subset)) continue
    kept.push(
      block
        .replace(/font-family: '[^']+'/, `font-family: '${font.family}'`)
        .replace(/,\s*url\([^)]+\.woff\) format\('woff'\)/, ''),
    )
  }
  if (kept.length === 0) throw new Error(`@fontsource/${pkg}: no face left in the stylesheet`)
  return kept.join('\n')
}

/** The Vite side: rewrites the stylesheets before Vite resolves their url()s. */
export function bundledFontsPlugin(): Plugin {
  return {
    name: 'sauti-bundled-fonts',
    enforce: 'pre',
    transform(code, id) {
      const pkg = stylesheet.exec(id)?.[1]
      return pkg ? { code: rewriteFontStylesheet(pkg, code), map: null } : null
    },
  }
}
