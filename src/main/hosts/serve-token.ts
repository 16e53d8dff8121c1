import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { checkToken } from './http-sessions'

/** The token file in the data folder: readable by its owner only. */
export const TOKEN_FILE = 'serve-token'

/**
 * The token `sauti serve` asks for: the one kept in the data folder (0600), so a server
 * restarted on the same data folder keeps accepting the tabs that were open (their cookie holds
 * it), or a new one when there is none, it is unreadable, others may read it, it is weaker than
 * the server accepts (32 random bytes; older versions kept 24), or `fresh` asks.
 */
export async function servingToken(dataDir: string, fresh = false): Promise<string> {
  const file = join(dataDir, TOKEN_FILE)
  if (!fresh) {
    const info = await stat(file).catch(() => null)
    // Windows has no such mode bits; there the file sits in the user's own profile.
    const private_ = process.platform === 'win32' || (info !== null && (info.mode & 0o077) === 0)
    const kept = info && private_ ? (await readFile(file, 'utf8').catch(() => '')).trim() : ''
    if (kept && checkToken(kept) === null) return kept
  }
  const token = randomBytes(32).toString('base64url')
  await mkdir(dataDir, { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, `${token}\n`, { mode: 0o600 })
  await chmod(temporary, 0o600)
  await rename(temporary, file)
  return token
}
