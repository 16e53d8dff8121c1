import { readFile } from 'node:fs/promises'
import { SautiError } from '../../../shared/errors'
import { decodeUserText } from './text-gate'

/**
 * Reads a UTF-8 text file the user pointed at, with errors that name the file, what it was for,
 * and the problem (through the text gate: the line and byte of the first invalid sequence).
 */
export async function readTextFile(file: string, what = 'the file'): Promise<string> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(file)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new SautiError('not_found', `${file}: cannot read ${what} (${reason}).`, { file })
  }
  return decodeUserText(bytes, file)
}
