import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * Password hashes: scrypt from node:crypto with a per-account random salt, stored with their
 * parameters (`scrypt$N$r$p$salt$hash`) so the cost can rise later without breaking old hashes.
 * N = 2^15 costs about 32 MiB and 50–100 ms on one core: slow for guessing, fine for a login.
 */
const N = 32768
const R = 8
const P = 1
const KEY_BYTES = 32
const MAX_MEMORY = 64 * 1024 * 1024

export const minPasswordLength = 10

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  )
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, { N, r: R, p: P, maxmem: MAX_MEMORY })
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$')
}

/** A hash of a password nobody has, so an unknown login costs the same time as a known one. */
let decoy: Promise<string> | null = null

/**
 * True when `password` matches `stored`; compares in constant time. With no stored hash (an
 * unknown login, an invitation not yet accepted) it still derives a key, against a decoy.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  decoy ??= hashPassword(randomBytes(16).toString('base64'))
  const [scheme, n, r, p, salt, hash] = (stored ?? (await decoy)).split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const key = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEMORY,
  })
  return stored !== null && key.length === expected.length && timingSafeEqual(key, expected)
}
