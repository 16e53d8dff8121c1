/**
 * The one contract between the UI (or a script) and the workbench. Every call has a name, an
 * input schema that every host validates before the core sees it, and a result type; each
 * room's share sits beside this file, as src/main/core/<room>/calls.ts serves it. Events are
 * what the core pushes. Hosts only translate this contract.
 */
import type { z } from 'zod'
import { composeRooms } from '../rooms'
import { accountsContract } from './accounts'
import { adaptContract } from './adapt'
import { annotateContract } from './annotate'
import { asrContract } from './asr'
import { audioContract } from './audio'
import { backupContract } from './backup'
import { consentContract } from './consent'
import { corpusImportContract } from './corpus-import'
import { discussContract } from './discuss'
import type { EventMap, EventName } from './events'
import { exportContract } from './export'
import { languageContract } from './language'
import { projectContract } from './project'
import { provenanceContract } from './provenance'
import { reportContract } from './report'
import { reviewContract } from './review'
import { searchContract } from './search'
import { tiersContract } from './tiers'

export type { CallSpec } from './fields'
export { eventNames, type EventMap, type EventName } from './events'

export const contract = composeRooms(
  projectContract,
  audioContract,
  asrContract,
  annotateContract,
  adaptContract,
  consentContract,
  provenanceContract,
  exportContract,
  corpusImportContract,
  languageContract,
  reviewContract,
  reportContract,
  accountsContract,
  backupContract,
  discussContract,
  searchContract,
  tiersContract,
)

export type Contract = typeof contract
export type Method = keyof Contract
export const methods = Object.keys(contract) as Method[]

export type CallInput<M extends Method> = z.input<Contract[M]['input']>
export type ParsedInput<M extends Method> = z.output<Contract[M]['input']>
export type CallResult<M extends Method> = NonNullable<Contract[M]['output']>

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}

/** What the renderer (or a script) holds: one typed function per call. */
export type SautiApi = {
  [M in Method]: (input: CallInput<M>) => Promise<CallResult<M>>
}

/** The typed bridge: calls plus an event subscription that returns its own unsubscribe. */
export interface SautiBridge {
  call<M extends Method>(method: M, input: CallInput<M>): Promise<CallResult<M>>
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
}
