import { contract, isMethod, type Method } from '../../shared/contract'
import { SautiError, type ErrorInfo, type Result } from '../../shared/errors'
import type { Caller } from './accounts/caller'
import { describeStoreError } from './db/store-errors'

export type Handlers = { [M in Method]: (input: never, caller: Caller) => Promise<unknown> }

/**
 * Whether the caller may make a call: `admit` before the input is read (a call the caller may
 * not make is refused whatever its input), `bind` after it parsed (the acting profile, paths).
 * Either refuses by throwing.
 */
export interface Guard {
  admit(method: Method): void
  bind(method: Method, input: Record<string, unknown>): void
}

/**
 * The one door into the workbench for every host: checks the method name, parses the input
 * against the contract's schema, asks whether the caller may make the call, runs the handler
 * and classifies any error. A call that fails validation or authorisation never reaches the
 * handler.
 */
export async function dispatch(
  handlers: Handlers,
  method: unknown,
  input: unknown,
  caller: Caller,
  guard: Guard,
): Promise<Result<unknown>> {
  if (!isMethod(method)) {
    return {
      ok: false,
      error: SautiError.saying('not_found', 'unknownCall', {
        method: String(method).slice(0, 100),
      }).toInfo(),
    }
  }
  try {
    guard.admit(method)
  } catch (error) {
    return { ok: false, error: classify(error) }
  }
  const parsed = contract[method].input.safeParse(input ?? {})
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
    const text = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
    return {
      ok: false,
      error: SautiError.saying(
        'validation',
        'invalidInput',
        { method, problems: text },
        { issues },
      ).toInfo(),
    }
  }
  try {
    guard.bind(method, parsed.data as Record<string, unknown>)
    const handler = handlers[method] as (input: unknown, caller: Caller) => Promise<unknown>
    return { ok: true, value: await handler(parsed.data, caller) }
  } catch (error) {
    return { ok: false, error: classify(error) }
  }
}

export function classify(error: unknown): ErrorInfo {
  if (error instanceof SautiError) return error.toInfo()
  const e = error as NodeJS.ErrnoException
  if (e?.code === 'SQLITE_FULL' || e?.code === 'ENOSPC')
    return { kind: 'store', message: 'the disk is full; nothing was changed.' }
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_'))
    return describeStoreError(e.code, e.message)
  return { kind: 'internal', message: e?.message ?? String(error) }
}
