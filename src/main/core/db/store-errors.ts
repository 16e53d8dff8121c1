import type { ErrorInfo } from '../../../shared/errors'

/** Columns in the words a user knows them by. */
const columnWords: Record<string, string> = {
  start_sec: 'the start time',
  end_sec: 'the end time',
  duration_sec: 'the duration',
  expires_at: 'the expiry date',
  granted_at: 'the date consent was given',
  sample_rate: 'the sample rate',
  byte_size: 'the file size',
  code: 'the code',
  name: 'the name',
  sha256: 'the content hash',
}

const words = (column: string): string =>
  columnWords[column.replace(/^\w+\./, '')] ??
  `the ${column.replace(/^\w+\./, '').replace(/_/g, ' ')}`

/** A CHECK constraint's expression as the rule it states. */
function rule(expression: string): string {
  const e = expression.trim()
  let m = /^(\w+) >= 0$/.exec(e)
  if (m) return `${words(m[1]!)} cannot be negative`
  m = /^(\w+) > 0$/.exec(e)
  if (m) return `${words(m[1]!)} must be more than 0`
  m = /^(\w+) > (\w+)$/.exec(e)
  if (m) return `${words(m[1]!)} must be after ${words(m[2]!)}`
  m = /^(\w+) IN \(/.exec(e)
  if (m) return `${words(m[1]!)} is not one of the values allowed`
  m = /(\w+) IS NULL OR (\w+) > (\w+)/.exec(e)
  if (m) return `${words(m[2]!)} must be after ${words(m[3]!)}`
  return 'a value breaks one of the project’s rules'
}

/**
 * What a SQLite error means to the person who caused it, in a sentence; the engine's own text
 * ("CHECK constraint failed: start_sec >= 0") never reaches them. Constraint failures are input
 * that got past a check, so they say which rule was broken; the rest say what to do.
 */
export function describeStoreError(code: string, message: string): ErrorInfo {
  const detail = message.replace(/^[\w ]+ constraint failed: /, '')
  switch (code) {
    case 'SQLITE_CONSTRAINT_CHECK':
      return { kind: 'validation', message: `Nothing was changed: ${rule(detail)}.` }
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return {
        kind: 'conflict',
        message: `Nothing was changed: ${detail.split(',').map(words).join(' and ')} already exists in this project.`,
      }
    case 'SQLITE_CONSTRAINT_NOTNULL':
      return { kind: 'validation', message: `Nothing was changed: ${words(detail)} is missing.` }
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return {
        kind: 'conflict',
        message:
          'Nothing was changed: it refers to something that is not in the project, or something still refers to what was to be removed.',
      }
    case 'SQLITE_CONSTRAINT_TRIGGER':
      return { kind: 'conflict', message: `Nothing was changed: ${detail.replace(/\.$/, '')}.` }
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return {
        kind: 'unavailable',
        message:
          'The project is busy with a write in another Sauti process; try again in a moment.',
      }
    case 'SQLITE_READONLY':
      return {
        kind: 'store',
        message: 'The project’s database cannot be written: its file or folder is read-only.',
      }
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return {
        kind: 'store',
        message: 'The project’s database is damaged; `sauti doctor` checks it.',
      }
    default:
      return {
        kind: 'store',
        message: `The project’s database refused the change (${code}); nothing was changed.`,
      }
  }
}
