import { extname } from 'node:path'
import { parse } from 'csv-parse/sync'
import { SautiError } from '../../../shared/errors'
import { readTextFile } from './text-file'

export interface TableRow {
  /** 1-based line number in the file, for error messages. */
  line: number
  values: Record<string, string>
}

/**
 * Reads a TSV or CSV file with a header row. TSV is read without quote handling (Common Voice
 * and Kaldi-style TSVs contain bare quotes in sentences); CSV follows RFC 4180.
 */
export async function readTable(file: string): Promise<{ header: string[]; rows: TableRow[] }> {
  return parseTable(await readTextFile(file), file, extname(file).toLowerCase() === '.tsv')
}

/** A table's text, read as `readTable` reads a file; `file` names it in messages. */
export function parseTable(
  text: string,
  file: string,
  tsv: boolean,
): { header: string[]; rows: TableRow[] } {
  let records: { record: string[]; info: { lines: number } }[]
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      delimiter: tsv ? '\t' : ',',
      quote: tsv ? false : '"',
      skip_empty_lines: true,
      relax_column_count: false,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[]
  } catch (error) {
    const e = error as Error & { lines?: number }
    throw new SautiError(
      'bad_input',
      `${file}${e.lines ? `, line ${e.lines}` : ''}: malformed ${tsv ? 'TSV' : 'CSV'} (${e.message}).`,
      { file, line: e.lines },
    )
  }
  const [header, ...body] = records
  if (!header)
    throw new SautiError('bad_input', `${file}: the file is empty; expected a header row.`, {
      file,
    })
  const names = header.record.map((h) => h.trim().toLowerCase())
  // The line a record ends on: a quoted field may span lines, and blank lines are skipped.
  const rows = body.map(({ record, info }) => ({
    line: info.lines,
    values: Object.fromEntries(names.map((name, j) => [name, (record[j] ?? '').trim()])),
  }))
  return { header: names, rows }
}

/** The first header name present from a list of accepted aliases. */
export function pickColumn(header: string[], aliases: readonly string[]): string | undefined {
  return aliases.find((a) => header.includes(a))
}
