/** A stable, distinguishable colour per language tag, for span underlines and legends. */
const palette = [
  '#2563eb',
  '#9333ea',
  '#059669',
  '#d97706',
  '#db2777',
  '#0891b2',
  '#65a30d',
  '#7c3aed',
]

export function languageColor(lang: string): string {
  let h = 0
  for (const c of lang) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return palette[h % palette.length]!
}
