import { SautiError } from '../../shared/errors'
import { checkToken } from './http-sessions'

export const loopbackNames = new Set(['127.0.0.1', '::1', 'localhost'])

export interface Binding {
  host: string
  token?: string
  team?: boolean
  tls?: { cert: string | Buffer; key: string | Buffer }
  behindProxy?: boolean
  publicOrigin?: string
}

/** How a server faces its users, once its binding passed `checkBinding`. */
export interface Facing {
  /** Accounts and sign-in required. */
  team: boolean
  /** Cookies are Secure (HTTPS here, or at the proxy in front). */
  secure: boolean
  /** The origin browsers must come from, when it is fixed (behind a proxy, or given). */
  publicOrigin: string | null
}

/**
 * The binding rules (docs/team-server.md): on loopback, anything goes, as today; beyond it,
 * HTTPS served here (`--tls-cert`/`--tls-key`) or an HTTPS proxy in front (`--behind-proxy
 * --public-origin https://…`), and accounts. A token must be at least 32 random bytes.
 */
export function checkBinding(b: Binding): Facing {
  if (b.token !== undefined) {
    const problem = checkToken(b.token)
    if (problem) throw new SautiError('validation', problem)
  }
  let publicOrigin: string | null = null
  if (b.publicOrigin !== undefined) {
    let url: URL
    try {
      url = new URL(b.publicOrigin)
    } catch {
      throw new SautiError('validation', `--public-origin ${b.publicOrigin} is not a URL`)
    }
    if (url.protocol !== 'https:' || url.origin !== b.publicOrigin.replace(/\/$/, ''))
      throw new SautiError(
        'validation',
        '--public-origin must be an https:// origin with no path, such as https://sauti.example.org',
      )
    publicOrigin = url.origin
  }
  if (b.behindProxy && !publicOrigin)
    throw new SautiError(
      'validation',
      '--behind-proxy needs --public-origin https://… (the address people open)',
    )
  if (!!b.tls !== !!(b.tls?.cert && b.tls?.key))
    throw new SautiError('validation', 'give both --tls-cert and --tls-key')
  const loopback = loopbackNames.has(b.host)
  if (!loopback && !b.tls && !b.behindProxy)
    throw new SautiError(
      'validation',
      `listening on ${b.host} needs HTTPS: give --tls-cert and --tls-key, or put an HTTPS proxy in front with --behind-proxy --public-origin https://…`,
    )
  return {
    team: !!b.team || !loopback || !!b.behindProxy,
    secure: !!b.tls || publicOrigin !== null,
    publicOrigin,
  }
}
