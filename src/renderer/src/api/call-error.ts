import type { ErrorKind, Said } from '../../../shared/errors'
import { isErrorInfo, SautiError } from '../../../shared/errors'

/** A call that came back as `{ok: false}`, or could not be made at all. */
export class CallError extends SautiError {
  constructor(kind: ErrorKind, message: string, details?: Record<string, unknown>, said?: Said) {
    super(kind, message, details, said)
    this.name = 'CallError'
  }
}

/** Turns a result envelope into its value, or throws what it carries as a CallError. */
export function unwrap<T>(method: string, envelope: unknown): T {
  if (typeof envelope === 'object' && envelope !== null && 'ok' in envelope) {
    if (envelope.ok === true && 'value' in envelope) return envelope.value as T
    if (envelope.ok === false && 'error' in envelope && isErrorInfo(envelope.error)) {
      const { kind, message, details, key, args } = envelope.error
      throw new CallError(kind, message, details, key && args ? { key, args } : undefined)
    }
  }
  throw new CallError('internal', `${method}: the host sent a reply that is not a result envelope`)
}

/** Any thrown value as a CallError, so every error the UI shows has a kind and a message. */
export function toCallError(error: unknown): CallError {
  if (error instanceof CallError) return error
  if (error instanceof Error) return new CallError('internal', error.message)
  return new CallError('internal', String(error))
}
