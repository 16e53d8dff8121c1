import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Caller } from '../core/accounts/caller'

/** How long a session lives: since its last request, and at most since its login. */
export interface SessionLifetime {
  idleMs: number
  absoluteMs: number
}

export const defaultLifetime: SessionLifetime = { idleMs: 2 * 3600_000, absoluteMs: 12 * 3600_000 }

interface Session {
  caller: Caller
  createdAt: number
  seenAt: number
}

/**
 * The server's sessions, in memory: a cookie holds a random id and its HMAC under a key made at
 * start, so a forged or altered cookie is refused before any lookup, and a restart signs
 * everyone out (docs/team-server.md). Each request renews the idle deadline; the absolute one
 * never moves.
 */
export class Sessions {
  private readonly key = randomBytes(32)
  private readonly sessions = new Map<string, Session>()

  constructor(
    private readonly lifetime: SessionLifetime,
    private readonly now: () => number = Date.now,
  ) {}

  private sign(id: string): string {
    return createHmac('sha256', this.key).update(id).digest('base64url')
  }

  /** A new session for the caller; returns the cookie's value. */
  open(caller: Caller): string {
    this.sweep()
    const id = randomBytes(32).toString('base64url')
    const at = this.now()
    this.sessions.set(id, { caller, createdAt: at, seenAt: at })
    return `${id}.${this.sign(id)}`
  }

  /** The caller of a live session, renewing it; null for anything else. */
  read(cookie: string | undefined): Caller | null {
    const [id, mac] = (cookie ?? '').split('.')
    if (!id || !mac) return null
    const expected = Buffer.from(this.sign(id))
    const given = Buffer.from(mac)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
    const session = this.sessions.get(id)
    if (!session) return null
    const at = this.now()
    if (
      at - session.seenAt > this.lifetime.idleMs ||
      at - session.createdAt > this.lifetime.absoluteMs
    ) {
      this.sessions.delete(id)
      return null
    }
    session.seenAt = at
    return session.caller
  }

  close(cookie: string | undefined): void {
    this.sessions.delete((cookie ?? '').split('.')[0] ?? '')
  }

  /** Ends every session of an account (disabled, or its password reset). */
  closeAccount(accountId: number): void {
    for (const [id, s] of this.sessions)
      if (s.caller.kind === 'account' && s.caller.accountId === accountId) this.sessions.delete(id)
  }

  private sweep(): void {
    const at = this.now()
    for (const [id, s] of this.sessions)
      if (at - s.seenAt > this.lifetime.idleMs || at - s.createdAt > this.lifetime.absoluteMs)
        this.sessions.delete(id)
  }
}

/**
 * Failed logins, counted per account and per address over a window: past the limit, attempts
 * are refused until the window has passed, whatever the password (docs/team-server.md).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>()

  constructor(
    private readonly limits = { account: 5, address: 20, windowMs: 15 * 60_000 },
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since)
    if (kept.length) this.failures.set(key, kept)
    else this.failures.delete(key)
    return kept
  }

  /** Seconds to wait before another attempt may be made; 0 when one may be made now. */
  retryAfter(account: string | null, address: string): number {
    const checks: [string, number][] = [[`address:${address}`, this.limits.address]]
    if (account !== null) checks.push([`account:${account.toLowerCase()}`, this.limits.account])
    let wait = 0
    for (const [key, limit] of checks) {
      const times = this.recent(key)
      if (times.length >= limit)
        wait = Math.max(wait, times[times.length - limit]! + this.limits.windowMs - this.now())
    }
    return Math.ceil(wait / 1000)
  }

  fail(account: string | null, address: string): void {
    const keys = [`address:${address}`]
    if (account !== null) keys.push(`account:${account.toLowerCase()}`)
    for (const key of keys) this.failures.set(key, [...this.recent(key), this.now()])
  }

  succeed(account: string): void {
    this.failures.delete(`account:${account.toLowerCase()}`)
  }
}

/** Tokens are at least 32 random bytes: 43 base64url characters, or 64 hex digits. */
export function checkToken(token: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return 'a token may hold only letters, digits, - and _'
  const bytes = /^[0-9a-f]+$/i.test(token) ? token.length / 2 : (token.length * 6) / 8
  if (bytes < 32 || new Set(token).size < 12)
    return 'the token is too short or too regular: give at least 32 random bytes (43 base64url characters), or leave it out for a random one'
  return null
}

/** The session cookie's name: one per server (port and project), so two servers never collide. */
export function cookieName(port: number, projectId: string, secure: boolean): string {
  // __Host- cookies must be Secure, host-only and Path=/: browsers refuse them otherwise.
  return `${secure ? '__Host-' : ''}sauti-${port}-${projectId}`
}

/** The value of one cookie in a Cookie header, or undefined when it is not there. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return undefined
}
