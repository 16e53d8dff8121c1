import { SautiError } from '../../../../shared/errors'

/** A place in a text file: 1-based line and column (columns count UTF-16 code units). */
export interface Position {
  line: number
  column: number
}

/**
 * The error every corpus reader throws: the message starts with the file, line and column of the
 * first problem, as the other format readers do, so a user can open the file at that spot.
 */
export function badInput(file: string, at: Position | null, problem: string): SautiError {
  const where = at ? `${file}, line ${at.line}, column ${at.column}` : file
  return new SautiError('bad_input', `${where}: ${problem}`, {
    file,
    ...(at ? { line: at.line, column: at.column } : {}),
  })
}

/** A writer's input that cannot be exported as asked: a bug or bad data upstream, not a file. */
export function badCorpus(problem: string): SautiError {
  return new SautiError('validation', problem)
}

/** Maps string offsets to line and column, for parsers that work on offsets. */
export class LineIndex {
  private readonly starts: number[] = [0]

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1)
  }

  at(offset: number): Position {
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((this.starts[mid] ?? 0) <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 }
  }
}
