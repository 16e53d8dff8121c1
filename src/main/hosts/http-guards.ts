/**
 * The HTTP host's guards that need no caller: security headers and the Host check against DNS
 * rebinding on every response, and the refusal of cross-site state-changing requests.
 */
import type { NextFunction, Request, Response } from 'express'
import type { ErrorInfo } from '../../shared/errors'
import { loopbackNames, type Facing } from './http-binding'

/**
 * The renderer loads only our own scripts; inline styles are allowed because wavesurfer.js
 * styles its shadow DOM that way. Media and API come from this origin only.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

export const fail = (res: Response, status: number, error: ErrorInfo): void => {
  res.status(status).json({ ok: false, error })
}

type Middleware = (req: Request, res: Response, next: NextFunction) => void

/** Headers for every response, and a Host header that must name this server. */
export function securityHeaders(facing: Facing, bindHost: string): Middleware {
  return (req, res, next) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
    if (facing.secure)
      res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    // DNS rebinding: a page on another name that resolves to us must not reach us.
    const hostHeader = req.headers.host ?? ''
    const name = hostHeader.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
    const expectedHost = facing.publicOrigin ? new URL(facing.publicOrigin).host : null
    if (
      (loopbackNames.has(bindHost) && !expectedHost && !loopbackNames.has(name)) ||
      (expectedHost !== null && hostHeader !== expectedHost)
    )
      return fail(res, 403, { kind: 'forbidden', message: `unexpected Host header: ${hostHeader}` })
    next()
  }
}

/** Requests that change something: each must come from our own pages (CSRF). */
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Cross-site requests: a state-changing request riding on a cookie (`ambient`) is refused when
 * the browser says it comes from another site (Sec-Fetch-Site) or another origin (Origin).
 * Browsers send Origin on every cross-origin POST and, for years now, Sec-Fetch-Site; a request
 * with neither is not a browser's cross-site request. SameSite=Strict is the second wall.
 */
export function crossSiteGuard(
  ambient: (req: Request) => boolean,
  expectedOrigin: (req: Request) => string,
): Middleware {
  return (req, res, next) => {
    if (safeMethods.has(req.method) || !ambient(req)) return next()
    const site = req.headers['sec-fetch-site']
    const origin = req.headers.origin
    const sameSite =
      (site === undefined || site === 'same-origin' || site === 'none') &&
      (origin === undefined || origin === expectedOrigin(req))
    if (!sameSite)
      return fail(res, 403, {
        kind: 'forbidden',
        message: 'cross-site request refused: calls must come from Sauti’s own pages',
      })
    next()
  }
}
