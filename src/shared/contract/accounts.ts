/** The accounts room's calls: who is calling, and a team server's accounts (docs/team-server.md). */
import { z } from 'zod'
import type { Account, AccountLink, Identity } from '../domain'
import { accountRoles } from '../domain'
import { call, id } from './fields'

/** Login names: what people type, so letters, digits and a few separators, no spaces. */
export const login = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'use letters, digits and . _ @ - only')

export const accountsContract = {
  'account.me': call<Identity>()(
    z.object({}).strict(),
    'Who the server takes the caller to be: the local owner, or a team account and its profile.',
  ),
  'account.list': call<Account[]>()(z.object({}).strict(), "The team server's accounts (leads)."),
  'account.invite': call<AccountLink>()(
    z.object({ login, role: z.enum(accountRoles).default('annotator') }).strict(),
    'Create an account and a one-time link that sets its password (leads invite up to lead, admins anyone).',
  ),
  'account.setRole': call<Account>()(
    z.object({ id, role: z.enum(accountRoles) }).strict(),
    "Change an account's role (admins).",
  ),
  'account.disable': call<Account>()(
    z.object({ id, disabled: z.boolean() }).strict(),
    'Disable an account (its sessions end at once) or enable it again (admins).',
  ),
  'account.resetPassword': call<AccountLink>()(
    z.object({ id }).strict(),
    "Clear an account's password and make a one-time link that sets a new one (admins).",
  ),
} as const
