import { badInput, type Position } from './errors'

export interface Token {
  kind: 'string' | 'number' | 'flag'
  /** The string's content (quotes undone), the number's text, or the flag's word. */
  value: string
  at: Position
  /** In the long format, the field name before the value on its line ("xmax", "text", "size"). */
  label: string
}

const numberText = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/
const wordEnd = /[\s="<[:]/

/**
 * Praat's text files hold values (numbers, "strings" with "" for a quote, <flags>) among free
 * text: the long format names each field ("xmin = 0"), the short one does not. Like Praat, we
 * keep only the values; unlike Praat we remember the field name before each one, so a long-format
 * file with a missing line is refused at that line rather than read shifted.
 */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  let label = ''
  const here = (): Position => ({ line, column: i - lineStart + 1 })
  while (i < text.length) {
    const c = text[i] ?? ''
    if (c === '\n') {
      i++
      line++
      lineStart = i
      label = ''
    } else if (/\s/.test(c) || c === '=' || c === ':') {
      i++
    } else if (c === '!') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (c === '[') {
      while (i < text.length && text[i] !== ']' && text[i] !== '\n') i++
      i++
    } else if (c === '"') {
      const at = here()
      let value = ''
      i++
      for (;;) {
        if (i >= text.length) throw badInput(file, at, 'this string has no closing quote.')
        const d = text[i]
        if (d === '"' && text[i + 1] === '"') {
          value += '"'
          i += 2
        } else if (d === '"') {
          i++
          // Praat strings may span lines, so a missing closing quote shows only where the string
          // "closes" on the next one's opening quote, with text right after it.
          if (i < text.length && !/\s/.test(text[i] ?? ''))
            throw badInput(file, at, 'this string has no closing quote where it should end.')
          break
        } else {
          if (d === '\n') {
            line++
            lineStart = i + 1
          }
          value += d
          i++
        }
      }
      tokens.push({ kind: 'string', value, at, label })
      label = ''
    } else if (c === '<') {
      const at = here()
      const close = text.indexOf('>', i)
      const newline = text.indexOf('\n', i)
      if (close < 0 || (newline >= 0 && newline < close))
        throw badInput(file, at, 'this <flag> has no closing ">".')
      tokens.push({ kind: 'flag', value: text.slice(i + 1, close), at, label })
      label = ''
      i = close + 1
    } else if (/[-+.\d]/.test(c)) {
      const at = here()
      let end = i
      while (end < text.length && !/\s/.test(text[end] ?? '')) end++
      const value = text.slice(i, end)
      if (!numberText.test(value)) throw badInput(file, at, `"${value}" is not a number.`)
      tokens.push({ kind: 'number', value, at, label })
      label = ''
      i = end
    } else {
      let end = i
      while (end < text.length && !wordEnd.test(text[end] ?? '')) end++
      label = text.slice(i, end)
      i = end
    }
  }
  return tokens
}

/** Sequential access to the tokens, with errors that say which field was expected where. */
export class TokenReader {
  private i = 0

  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
    private readonly end: Position,
  ) {}

  get done(): boolean {
    return this.i >= this.tokens.length
  }

  /** The next value without taking it. */
  peek(): Token | undefined {
    return this.tokens[this.i]
  }

  /**
   * The next value, which must be of `kind`; in the long format its field name must be one of
   * `labels` (the short format has none to check).
   */
  take(kind: Token['kind'], field: string, labels: string[] = [field]): Token {
    const t = this.tokens[this.i]
    const what =
      kind === 'number'
        ? `${field} (a number)`
        : kind === 'string'
          ? `${field} (a "string")`
          : `${field} (a <flag>)`
    if (!t) throw badInput(this.file, this.end, `the file ends where ${what} was expected.`)
    if (t.label && !labels.includes(t.label))
      throw badInput(
        this.file,
        t.at,
        `expected ${field} here, found ${t.label}: the ${field} line is missing or out of place.`,
      )
    if (t.kind !== kind) {
      const found =
        t.kind === 'string' ? `"${t.value}"` : t.kind === 'flag' ? `<${t.value}>` : t.value
      throw badInput(this.file, t.at, `expected ${what}, found ${found}.`)
    }
    this.i++
    return t
  }

  number(field: string, labels?: string[]): { value: number; at: Position } {
    const t = this.take('number', field, labels)
    return { value: Number(t.value), at: t.at }
  }

  count(field: string, labels?: string[]): number {
    const t = this.take('number', field, labels)
    const n = Number(t.value)
    if (!Number.isInteger(n) || n < 0)
      throw badInput(this.file, t.at, `${field} ${t.value} is not a count.`)
    return n
  }
}
