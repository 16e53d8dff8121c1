import { parse } from 'csv-parse/sync'
import { badInput, type Position } from './errors'

export interface Cell {
  value: string
  at: Position
}

export interface Row {
  line: number
  /** By lower-cased header name. */
  cells: Map<string, Cell>
}

export interface Table {
  header: string[]
  rows: Row[]
}

/**
 * Where each field of a record starts. csv-parse reports the line a record ends on and its raw
 * text; we walk the raw text (quote-aware for CSV) so that an error can name the column of the
 * bad field, not just its line.
 */
function fieldPositions(
  raw: string,
  endLine: number,
  delimiter: string,
  quoted: boolean,
): Position[] {
  const record = raw.replace(/^\n+/, '').replace(/\n$/, '')
  const newlines = (record.match(/\n/g) ?? []).length
  let line = endLine - newlines
  let lineStart = 0
  const starts: Position[] = [{ line, column: 1 }]
  let inQuotes = false
  let fieldStart = true
  for (let i = 0; i < record.length; i++) {
    const c = record[i]
    if (c === '\n') {
      line++
      lineStart = i + 1
    }
    if (quoted && c === '"') {
      if (fieldStart) inQuotes = true
      else if (inQuotes && record[i + 1] === '"') i++
      else if (inQuotes) inQuotes = false
    } else if (!inQuotes && c === delimiter) {
      starts.push({ line, column: i + 2 - lineStart })
      fieldStart = true
      continue
    }
    fieldStart = false
  }
  return starts
}

/**
 * A delimited file with a header row: CSV per RFC 4180, or TSV without quote handling (Common
 * Voice sentences hold bare quotes). Header names are trimmed and lower-cased; values trimmed.
 */
export function readDelimited(text: string, file: string, delimiter: ',' | '\t'): Table {
  const quoted = delimiter === ','
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n')
  let records: { record: string[]; raw: string; info: { lines: number } }[]
  try {
    records = parse(source, {
      delimiter,
      quote: quoted ? '"' : false,
      skip_empty_lines: true,
      relax_column_count: false,
      info: true,
      raw: true,
    }) as unknown as typeof records
  } catch (error) {
    const e = error as Error & { lines?: number }
    throw badInput(
      file,
      e.lines ? { line: e.lines, column: 1 } : null,
      `malformed ${quoted ? 'CSV' : 'TSV'} (${e.message}).`,
    )
  }
  const [head, ...body] = records
  if (!head) throw badInput(file, null, 'the file is empty; expected a header row.')
  const header = head.record.map((h) => h.trim().toLowerCase())
  const rows = body.map(({ record, raw, info }) => {
    const at = fieldPositions(raw, info.lines, delimiter, quoted)
    const cells = new Map<string, Cell>()
    header.forEach((name, j) => {
      cells.set(name, {
        value: (record[j] ?? '').trim(),
        at: at[j] ?? { line: info.lines, column: 1 },
      })
    })
    return { line: at[0]?.line ?? info.lines, cells }
  })
  return { header, rows }
}

/** The first header name present from a list of accepted aliases. */
export function pick(header: string[], aliases: readonly string[]): string | undefined {
  return aliases.find((a) => header.includes(a))
}
