/**
 * The one gate every text file passes on its way in (manifests, ELAN, Praat, Common Voice, Kaldi,
 * CSV, language-model texts): it must be UTF-8 (or UTF-16 with a byte-order mark, as Praat writes),
 * and hold no control characters. A refusal names the file, the line and the byte or column,
 * so a Latin-1 file is refused where its first accented letter is instead of stored as "caf�".
 */
import type { z } from 'zod'
import { SautiError } from '../../../shared/errors'
import { findControlCharacter } from '../../../shared/contract/fields'

/** Where the first byte that is not part of a valid UTF-8 sequence starts, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    if (b < 0x80) {
      i++
      continue
    }
    // Lead byte: the sequence's length and the allowed range of its second byte (RFC 3629,
    // which rules out overlong forms, surrogates and code points above U+10FFFF).
    let length: number
    let low = 0x80
    let high = 0xbf
    if (b >= 0xc2 && b <= 0xdf) length = 2
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3
      if (b === 0xe0) low = 0xa0
      if (b === 0xed) high = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4
      if (b === 0xf0) low = 0x90
      if (b === 0xf4) high = 0x8f
    } else return i
    if (i + length > bytes.length) return i
    const second = bytes[i + 1]!
    if (second < low || second > high) return i
    for (let k = 2; k < length; k++) {
      const c = bytes[i + k]!
      if (c < 0x80 || c > 0xbf) return i
    }
    i += length
  }
  return -1
}

function lineAndByte(bytes: Uint8Array, offset: number): { line: number; byte: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset; i++)
    if (bytes[i] === 0x0a) {
      line++
      lineStart = i + 1
    }
  return { line, byte: offset - lineStart + 1 }
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < index; i++)
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  return { line, column: index - lineStart + 1 }
}

const hex = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`

/** Refuses text holding a control character, naming its line and column. */
export function refuseControlCharacters(text: string, file: string): void {
  const found = findControlCharacter(text)
  if (!found) return
  const { line, column } = lineAndColumn(text, found.index)
  throw new SautiError(
    'bad_input',
    `${file}, line ${line}, column ${column}: the control character ${found.code} is not text; the file is damaged or not a text file.`,
    { file, line, column },
  )
}

/**
 * Decodes a text file the user gave us: UTF-8 with or without a byte-order mark, or (with `utf16`,
 * for Praat's and ELAN's files) UTF-16 of either byte order with one. Anything else is refused at
 * the first invalid byte; control characters are refused at their place. Strings (already
 * decoded) pass the control-character check only.
 */
export function decodeUserText(
  content: string | Uint8Array,
  file: string,
  options: { utf16?: boolean } = {},
): string {
  let text: string
  if (typeof content === 'string') text = content.replace(/^\uFEFF/, '')
  else {
    const [b0, b1] = content
    if (options.utf16 && ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff))) {
      try {
        text = new TextDecoder(b0 === 0xff ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(
          content.subarray(2),
        )
      } catch {
        throw new SautiError(
          'bad_input',
          `${file}: the file starts with a UTF-16 byte-order mark but is not valid UTF-16.`,
          { file },
        )
      }
    } else {
      const bad = firstInvalidUtf8(content)
      if (bad >= 0) {
        const { line, byte } = lineAndByte(content, bad)
        const shown = [...content.subarray(bad, bad + 3)].map(hex).join(' ')
        throw new SautiError(
          'bad_input',
          `${file}: the file is ${options.utf16 ? 'neither UTF-8 nor UTF-16 with a byte-order mark' : 'not valid UTF-8 text'}: line ${line}, byte ${byte} (bytes ${shown}). Save it as UTF-8; it may be Latin-1 or Windows-1252.`,
          { file, line, byte },
        )
      }
      text = new TextDecoder('utf-8').decode(content).replace(/^\uFEFF/, '')
    }
  }
  refuseControlCharacters(text, file)
  return text
}

/**
 * Checks one field read from a file against the contract's schema for it (shared/fields.ts), so
 * an import cannot store what the API would refuse. `where` names the file and the place in it.
 */
export function checkField<T>(
  schema: z.ZodType<T>,
  value: unknown,
  where: string,
  field: string,
): T {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const problem = parsed.error.issues[0]?.message ?? 'not allowed'
  const shown = typeof value === 'string' && value.length > 60 ? `${value.slice(0, 57)}…` : value
  throw new SautiError('bad_input', `${where}: ${JSON.stringify(shown)} is ${problem}.`, {
    where,
    field,
  })
}
