import { createHash, randomBytes } from 'node:crypto'
import type { Account, AccountLink, AccountRole, AnnotatorRole } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { ReadDb, WriteDb } from '../db/connection'

interface AccountRow {
  id: number
  annotator_id: number
  login: string
  role: AccountRole
  password_hash: string | null
  disabled_at: string | null
  created_at: string
}

const columns = 'id, annotator_id, login, role, password_hash, disabled_at, created_at'

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  login: r.login,
  role: r.role,
  annotatorId: r.annotator_id,
  disabled: r.disabled_at !== null,
  hasPassword: r.password_hash !== null,
  createdAt: r.created_at,
})

/** The profile's role follows the account's: an admin acts as a lead wherever profiles are checked. */
const profileRole = (role: AccountRole): AnnotatorRole => (role === 'admin' ? 'lead' : role)

/** Invitations last a week, password resets a day. */
const linkLifetimeMs = { invite: 7 * 86_400_000, reset: 86_400_000 }

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')

export function listAccounts(db: ReadDb): Account[] {
  return (db.prepare(`SELECT ${columns} FROM account ORDER BY login`).all() as AccountRow[]).map(
    toAccount,
  )
}

export function findAccount(db: ReadDb, id: number): Account | null {
  const row = db.prepare(`SELECT ${columns} FROM account WHERE id = ?`).get(id) as
    AccountRow | undefined
  return row ? toAccount(row) : null
}

function requireAccount(db: ReadDb, id: number): Account {
  const account = findAccount(db, id)
  if (!account) throw SautiError.saying('not_found', 'noAccount', { id })
  return account
}

/** The account with this login (any case) and its stored hash, for a login attempt. */
export function loginRecord(
  db: ReadDb,
  login: string,
): { account: Account; passwordHash: string | null } | null {
  const row = db.prepare(`SELECT ${columns} FROM account WHERE login = ?`).get(login.trim()) as
    AccountRow | undefined
  return row ? { account: toAccount(row), passwordHash: row.password_hash } : null
}

export function annotatorName(db: ReadDb, annotatorId: number): string {
  const row = db.prepare('SELECT name FROM annotator WHERE id = ?').get(annotatorId) as
    { name: string } | undefined
  return row?.name ?? ''
}

/**
 * A new account, bound to the annotator profile of the same name: an existing profile without an
 * account (a desktop project moving to a team server) keeps its history; otherwise one is made.
 */
export function createAccount(
  db: WriteDb,
  input: {
    login: string
    role: AccountRole
    passwordHash: string | null
    createdBy: number | null
  },
  now = new Date().toISOString(),
): Account {
  const login = input.login.trim()
  return db
    .transaction(() => {
      if (db.prepare('SELECT 1 FROM account WHERE login = ?').get(login))
        throw SautiError.saying('conflict', 'accountExists', { login })
      const profile = db.prepare('SELECT id FROM annotator WHERE name = ?').get(login) as
        { id: number } | undefined
      if (profile && db.prepare('SELECT 1 FROM account WHERE annotator_id = ?').get(profile.id))
        throw SautiError.saying('conflict', 'profileTaken', { login })
      const annotatorId = profile
        ? profile.id
        : Number(
            db
              .prepare(
                'INSERT INTO annotator (name, role, languages, created_at) VALUES (?, ?, ?, ?)',
              )
              .run(login, profileRole(input.role), '[]', now).lastInsertRowid,
          )
      db.prepare('UPDATE annotator SET role = ? WHERE id = ?').run(
        profileRole(input.role),
        annotatorId,
      )
      const id = Number(
        db
          .prepare(
            `INSERT INTO account (annotator_id, login, role, password_hash, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(annotatorId, login, input.role, input.passwordHash, input.createdBy, now)
          .lastInsertRowid,
      )
      return requireAccount(db, id)
    })
    .immediate()
}

/** Refuses a change that would leave the server without an enabled admin. */
function keepAnAdmin(db: WriteDb, id: number): void {
  const others = db
    .prepare(
      "SELECT count(*) AS n FROM account WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?",
    )
    .get(id) as { n: number }
  const target = requireAccount(db, id)
  if (target.role === 'admin' && !target.disabled && others.n === 0)
    throw SautiError.saying('conflict', 'lastAdmin', { login: target.login })
}

export function setAccountRole(db: WriteDb, id: number, role: AccountRole): Account {
  return db
    .transaction(() => {
      if (role !== 'admin') keepAnAdmin(db, id)
      db.prepare('UPDATE account SET role = ? WHERE id = ?').run(role, id)
      const account = requireAccount(db, id)
      db.prepare('UPDATE annotator SET role = ? WHERE id = ?').run(
        profileRole(role),
        account.annotatorId,
      )
      return account
    })
    .immediate()
}

export function setAccountDisabled(
  db: WriteDb,
  id: number,
  disabled: boolean,
  now = new Date().toISOString(),
): Account {
  return db
    .transaction(() => {
      if (disabled) keepAnAdmin(db, id)
      db.prepare('UPDATE account SET disabled_at = ? WHERE id = ?').run(disabled ? now : null, id)
      return requireAccount(db, id)
    })
    .immediate()
}

export function setPasswordHash(db: WriteDb, id: number, passwordHash: string | null): void {
  db.prepare('UPDATE account SET password_hash = ? WHERE id = ?').run(passwordHash, id)
}

/**
 * A one-time link for an account: an invitation, or a reset (which clears the password at once,
 * so the old one stops working). Only the token's hash is stored; earlier unused links lapse.
 */
export function issueLink(
  db: WriteDb,
  accountId: number,
  purpose: AccountLink['purpose'],
  createdBy: number | null,
  now = new Date(),
): AccountLink {
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(now.getTime() + linkLifetimeMs[purpose]).toISOString()
  db.transaction(() => {
    db.prepare('UPDATE account_link SET used_at = ? WHERE account_id = ? AND used_at IS NULL').run(
      now.toISOString(),
      accountId,
    )
    db.prepare(
      `INSERT INTO account_link (token_sha256, account_id, purpose, created_by, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(hashToken(token), accountId, purpose, createdBy, now.toISOString(), expiresAt)
    if (purpose === 'reset') setPasswordHash(db, accountId, null)
  }).immediate()
  return { account: requireAccount(db, accountId), purpose, token, expiresAt }
}

/**
 * Uses a link once: sets the account's password and returns the account. An unknown, used or
 * expired link, or a disabled account, gets the same answer.
 */
export function redeemLink(
  db: WriteDb,
  token: string,
  passwordHash: string,
  now = new Date().toISOString(),
): Account {
  return db
    .transaction(() => {
      const link = db
        .prepare(
          `SELECT l.account_id FROM account_link l JOIN account a ON a.id = l.account_id
         WHERE l.token_sha256 = ? AND l.used_at IS NULL AND l.expires_at > ? AND a.disabled_at IS NULL`,
        )
        .get(hashToken(token), now) as { account_id: number } | undefined
      if (!link) throw SautiError.saying('forbidden', 'linkExpired', {})
      db.prepare('UPDATE account_link SET used_at = ? WHERE token_sha256 = ?').run(
        now,
        hashToken(token),
      )
      setPasswordHash(db, link.account_id, passwordHash)
      return requireAccount(db, link.account_id)
    })
    .immediate()
}
