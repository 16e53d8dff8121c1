/**
 * A small Markdown reader for the project's guidelines: headings, paragraphs, lists, quotes,
 * code, rules, emphasis, inline code and links. It yields a tree of plain data that the
 * renderer turns into elements, never into an HTML string, so whatever a lead types (raw HTML
 * included) can only ever show as text. Links are kept for http, https and mailto only.
 */

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'strong' | 'em'; children: Inline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; href: string; children: Inline[] }

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { kind: 'paragraph'; children: Inline[] }
  | { kind: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { kind: 'quote'; blocks: Block[] }
  | { kind: 'code'; text: string }
  | { kind: 'rule' }

const safeLink = /^(https?:\/\/|mailto:)/i
const escapable = /[\\`*_[\]()#+\-.!>]/

/** The link's target when it is one a reader may follow, else null (the label stays as text). */
export function safeHref(href: string): string | null {
  const trimmed = href.trim()
  return safeLink.test(trimmed) ? trimmed : null
}

/** Where `delimiter` closes, searching from `from`, skipping escaped characters; -1 if never. */
function closing(text: string, delimiter: string, from: number): number {
  for (let i = from; i <= text.length - delimiter.length; i++) {
    if (text[i] === '\\') i++
    else if (text.startsWith(delimiter, i) && i > from) return i
  }
  return -1
}

/** The `)` that closes a link's target, counting parentheses inside it (wiki addresses have them). */
function closingParen(text: string, from: number): number {
  let depth = 0
  for (let i = from; i < text.length; i++) {
    if (text[i] === '(') depth++
    else if (text[i] === ')' && depth-- === 0) return i
  }
  return -1
}

const wordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c)

export function parseInline(text: string): Inline[] {
  const out: Inline[] = []
  let plain = ''
  const flush = (): void => {
    if (plain) out.push({ kind: 'text', text: plain })
    plain = ''
  }
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c === '\\' && escapable.test(text[i + 1] ?? '')) {
      plain += text[i + 1]
      i += 2
      continue
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1)
      if (end > i) {
        flush()
        out.push({ kind: 'code', text: text.slice(i + 1, end) })
        i = end + 1
        continue
      }
    }
    const double = text.slice(i, i + 2)
    if (double === '**' || double === '__') {
      const end = closing(text, double, i + 2)
      if (end > 0) {
        flush()
        out.push({ kind: 'strong', children: parseInline(text.slice(i + 2, end)) })
        i = end + 2
        continue
      }
    }
    // Underscores inside a word (snake_case, file_names) are not emphasis.
    if ((c === '*' || (c === '_' && !wordChar(text[i - 1]))) && text[i + 1] !== ' ') {
      const end = closing(text, c, i + 1)
      if (end > 0 && (c === '*' || !wordChar(text[end + 1]))) {
        flush()
        out.push({ kind: 'em', children: parseInline(text.slice(i + 1, end)) })
        i = end + 1
        continue
      }
    }
    if (c === '[') {
      const labelEnd = closing(text, ']', i + 1)
      if (labelEnd > 0 && text[labelEnd + 1] === '(') {
        const hrefEnd = closingParen(text, labelEnd + 2)
        if (hrefEnd > 0) {
          const label = parseInline(text.slice(i + 1, labelEnd))
          const href = safeHref(text.slice(labelEnd + 2, hrefEnd))
          flush()
          if (href) out.push({ kind: 'link', href, children: label })
          else out.push(...label)
          i = hrefEnd + 1
          continue
        }
      }
    }
    plain += c
    i++
  }
  flush()
  return out
}

const fence = /^\s{0,3}(```|~~~)/
const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/
const rule = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/
const quote = /^\s{0,3}>\s?/
const bullet = /^\s{0,3}[-*+]\s+/
const numbered = /^\s{0,3}(\d{1,9})[.)]\s+/

function startsBlock(line: string): boolean {
  return (
    fence.test(line) ||
    heading.test(line) ||
    rule.test(line) ||
    quote.test(line) ||
    bullet.test(line) ||
    numbered.test(line)
  )
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n')
  const blocks: Block[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    if (!line.trim()) {
      i++
      continue
    }
    const open = fence.exec(line)
    if (open) {
      const body: string[] = []
      i++
      while (i < lines.length && !lines[i]!.trimStart().startsWith(open[1]!)) body.push(lines[i++]!)
      i++
      blocks.push({ kind: 'code', text: body.join('\n') })
      continue
    }
    const h = heading.exec(line)
    if (h) {
      const level = h[1]!.length as 1 | 2 | 3 | 4 | 5 | 6
      blocks.push({ kind: 'heading', level, children: parseInline(h[2]!) })
      i++
      continue
    }
    if (rule.test(line)) {
      blocks.push({ kind: 'rule' })
      i++
      continue
    }
    if (quote.test(line)) {
      const body: string[] = []
      while (i < lines.length && quote.test(lines[i]!)) body.push(lines[i++]!.replace(quote, ''))
      blocks.push({ kind: 'quote', blocks: parseMarkdown(body.join('\n')) })
      continue
    }
    const item = bullet.test(line) ? bullet : numbered.test(line) ? numbered : null
    if (item) {
      const ordered = item === numbered
      const start = ordered ? Number(numbered.exec(line)![1]) : 1
      const items: string[] = []
      while (i < lines.length) {
        const current = lines[i]!
        if (item.test(current)) items.push(current.replace(item, ''))
        else if (current.trim() && /^\s{2,}/.test(current) && items.length)
          items[items.length - 1] += ` ${current.trim()}`
        else if (!current.trim() && item.test(lines[i + 1] ?? '')) {
          i++
          continue
        } else break
        i++
      }
      blocks.push({ kind: 'list', ordered, start, items: items.map(parseInline) })
      continue
    }
    const body: string[] = []
    while (i < lines.length && lines[i]!.trim() && (body.length === 0 || !startsBlock(lines[i]!)))
      body.push(lines[i++]!.trim())
    blocks.push({ kind: 'paragraph', children: parseInline(body.join(' ')) })
  }
  return blocks
}
