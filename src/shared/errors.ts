import { formatMessage, type MessageArgs, type Said, type ServerMessageKey } from './messages'

export type { Said } from './messages'

/**
 * Errors are classified at the boundary into a small set of kinds, so every host
 * (IPC, HTTP, CLI) can map them to the same envelope, HTTP status and exit code.
 */
export const errorKinds = [
  'validation', // the call's input did not match its schema
  'not_found', // a project, recording or file that does not exist
  'bad_input', // a file we were asked to read is corrupt, unsupported or malformed
  'conflict', // the store changed under the caller, or the thing exists already
  'forbidden', // the caller may not do this (token, role, path outside allowed roots)
  'unavailable', // a dependency is missing on this machine (Electron binary, GPU provider)
  'cancelled', // the user cancelled a long job
  'store', // the database refused: newer schema, integrity failure, disk full
  'internal', // a bug: everything else
] as const

export type ErrorKind = (typeof errorKinds)[number]

export interface ErrorInfo {
  kind: ErrorKind
  message: string
  /** Optional machine-readable details, e.g. the file and line a parser stopped at. */
  details?: Record<string, unknown>
  /** The message by key and arguments, for the UI to say in its language (shared/messages.ts). */
  key?: ServerMessageKey
  args?: MessageArgs
}

export class SautiError extends Error {
  readonly kind: ErrorKind
  readonly details?: Record<string, unknown>
  readonly said?: Said

  constructor(kind: ErrorKind, message: string, details?: Record<string, unknown>, said?: Said) {
    super(message)
    this.name = 'SautiError'
    this.kind = kind
    this.details = details
    this.said = said
  }

  /** An error whose message is one of `serverMessages`, in English here, translatable by key. */
  static saying(
    kind: ErrorKind,
    key: ServerMessageKey,
    args: MessageArgs,
    details?: Record<string, unknown>,
  ): SautiError {
    return new SautiError(kind, formatMessage(key, args), details, { key, args })
  }

  toInfo(): ErrorInfo {
    return {
      kind: this.kind,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
      ...(this.said ? { key: this.said.key, args: this.said.args } : {}),
    }
  }
}

export function isErrorInfo(value: unknown): value is ErrorInfo {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorInfo).kind === 'string' &&
    (errorKinds as readonly string[]).includes((value as ErrorInfo).kind) &&
    typeof (value as ErrorInfo).message === 'string'
  )
}

/** The envelope every host returns for a call. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo }
