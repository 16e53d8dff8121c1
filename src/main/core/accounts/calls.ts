import type { accountsContract } from '../../../shared/contract/accounts'
import { SautiError } from '../../../shared/errors'
import type { CallContext, CallTable } from '../call-context'
import { callingAccount, mayGrant } from './access'
import {
  annotatorName,
  createAccount,
  issueLink,
  listAccounts,
  setAccountDisabled,
  setAccountRole,
} from './accounts'

type Calls = keyof typeof accountsContract

/**
 * A team server's accounts. Who may call what is decided before a handler runs
 * (accounts/access.ts); what is left here is who may hand which role to whom.
 */
export function accountsCalls(ctx: CallContext): CallTable<Calls> {
  const { db } = ctx
  return {
    'account.me': async (_input, caller) => {
      const account = callingAccount(db, caller)
      return account
        ? { mode: 'account', account, annotatorName: annotatorName(db, account.annotatorId) }
        : { mode: 'owner' }
    },
    'account.list': async () => listAccounts(db),
    'account.invite': async ({ login, role }, caller) => {
      const by = callingAccount(db, caller)
      if (!mayGrant(by?.role ?? 'owner', role))
        throw SautiError.saying('forbidden', 'adminOnlyRole', { role })
      const account = createAccount(db, {
        login,
        role,
        passwordHash: null,
        createdBy: by?.id ?? null,
      })
      return issueLink(db, account.id, 'invite', by?.id ?? null)
    },
    'account.setRole': async ({ id, role }) => setAccountRole(db, id, role),
    'account.disable': async ({ id, disabled }) => setAccountDisabled(db, id, disabled),
    'account.resetPassword': async ({ id }, caller) =>
      issueLink(db, id, 'reset', callingAccount(db, caller)?.id ?? null),
  }
}
