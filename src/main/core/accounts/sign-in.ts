import type { Account } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { WriteDb } from '../db/connection'
import { loginRecord, redeemLink } from './accounts'
import { hashPassword, minPasswordLength, verifyPassword } from './passwords'

/**
 * The account a login and password name, or null: an unknown login, a wrong password, a
 * disabled account and one without a password yet cost the same time and get the same answer.
 */
export async function signIn(
  db: WriteDb,
  login: string,
  password: string,
): Promise<Account | null> {
  const record = loginRecord(db, login)
  const matches = await verifyPassword(password, record?.passwordHash ?? null)
  return matches && record && !record.account.disabled ? record.account : null
}

function checkPassword(password: string): void {
  if (password.length < minPasswordLength)
    throw SautiError.saying('validation', 'passwordShort', { min: minPasswordLength })
  if (password.length > 1024) throw SautiError.saying('validation', 'passwordLong', {})
}

/** Sets the password an invitation or reset link asked for, and uses the link up. */
export async function acceptLink(db: WriteDb, token: string, password: string): Promise<Account> {
  checkPassword(password)
  return redeemLink(db, token, await hashPassword(password))
}
