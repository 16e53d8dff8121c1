import { readFile } from 'node:fs/promises'
import { SautiError } from '../../../shared/errors'

/**
 * Reads a UTF-8 text file the user pointed at, with errors that name the file, what it was for,
 * and the problem.
 */
export async function readTextFile(file: string, what = 'the file'): Promise<string> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new SautiError('not_found', `${file}: cannot read ${what} (${reason}).`, { file })
  }
  if (text.includes('\uFFFD'))
    throw new SautiError('bad_input', `${file}: ${what} is not valid UTF-8 text.`, { file })
  return text
}
