import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import express, { type NextFunction, type Request, type Response } from 'express'
import type { ErrorKind } from '../../shared/errors'
import { eventNames } from '../../shared/contract'
import { mediaResponse } from '../core/audio/media'
import { classify } from '../core/dispatch'
import type { Logger } from '../core/logger'
import type { Workbench } from '../core/workbench'

export interface HttpHostOptions {
  workbench: Workbench
  /** Built renderer (out/renderer). */
  staticDir: string
  host?: string
  port?: number
  /** Fixed token for tests; a random one otherwise. */
  token?: string
  logger: Logger
}

export interface HttpHost {
  url: string
  /** The URL to open once: it carries the token and sets the session cookie. */
  openUrl: string
  port: number
  token: string
  close(): Promise<void>
}

const COOKIE = 'sauti_token'

export const statusOf: Record<ErrorKind, number> = {
  validation: 400,
  not_found: 404,
  bad_input: 422,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
  cancelled: 409,
  store: 500,
  internal: 500,
}

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

const loopback = new Set(['127.0.0.1', '::1', 'localhost'])

/**
 * `sauti serve`: the contract over HTTP. POST /api/<method> for calls, GET /events for
 * events (SSE), GET /media/<id> for audio with Range, and the built renderer. Bound to
 * 127.0.0.1 by default; every request needs the token (cookie after the first visit, or
 * `Authorization: Bearer`).
 */
export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { workbench, logger } = options
  const bindHost = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(24).toString('base64url')
  const tokenBytes = Buffer.from(token)
  const sseClients = new Set<Response>()
  let port = 0

  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)

  app.use((req, res, next) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 must not reach us.
    if (loopback.has(bindHost)) {
      const hostHeader = req.headers.host ?? ''
      const name = hostHeader.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
      if (!loopback.has(name)) {
        res.status(403).json({
          ok: false,
          error: { kind: 'forbidden', message: `unexpected Host header: ${hostHeader}` },
        })
        return
      }
    }
    next()
  })

  const matches = (candidate: string | undefined): boolean => {
    if (!candidate) return false
    const bytes = Buffer.from(candidate)
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes)
  }

  app.use((req, res, next) => {
    const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1]
    const cookie = readCookie(req.headers.cookie, COOKIE)
    const query = typeof req.query.token === 'string' ? req.query.token : undefined
    if (req.method === 'GET' && req.path === '/' && matches(query)) {
      // First visit: trade the token in the URL for a cookie, and drop it from the address bar.
      res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`)
      res.redirect(302, '/')
      return
    }
    if (matches(bearer) || matches(cookie)) {
      next()
      return
    }
    res.status(401)
    if (req.path.startsWith('/api/')) {
      res.json({
        ok: false,
        error: {
          kind: 'forbidden',
          message: 'missing or wrong token: open the URL that `sauti serve` printed',
        },
      })
    } else {
      res
        .type('text/plain')
        .send(
          'Sauti: missing or wrong token. Open the URL that `sauti serve` printed (it ends in ?token=…).\n',
        )
    }
  })

  app.post(
    '/api/:method',
    express.json({ limit: '1mb', strict: false }),
    async (req: Request, res: Response) => {
      // JSON only: together with SameSite cookies this keeps other sites' forms out.
      if (!req.is('application/json')) {
        res.status(415).json({
          ok: false,
          error: { kind: 'validation', message: 'calls must be sent as application/json' },
        })
        return
      }
      const result = await workbench.call(req.params.method, req.body)
      res.status(result.ok ? 200 : statusOf[result.error.kind]).json(result)
    },
  )

  app.get('/events', (req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    })
    res.write(': connected\n\n')
    sseClients.add(res)
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), 15_000)
    req.on('close', () => {
      clearInterval(heartbeat)
      sseClients.delete(res)
    })
  })
  const unsubscribe = workbench.events.onAny((event, payload) => {
    if (!eventNames.includes(event)) return
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const client of sseClients) client.write(frame)
  })

  app.get('/media/:id', async (req, res) => {
    const id = Number(req.params.id)
    if (!Number.isSafeInteger(id) || id <= 0) {
      res.status(400).json({
        ok: false,
        error: { kind: 'validation', message: 'media id must be a positive integer' },
      })
      return
    }
    try {
      const file = workbench.mediaFile(id)
      const media = await mediaResponse(file.path, file.format, req.headers.range)
      res.writeHead(media.status, media.headers)
      if (media.body) media.body.pipe(res)
      else res.end()
    } catch (error) {
      const info = classify(error)
      res.status(statusOf[info.kind]).json({ ok: false, error: info })
    }
  })

  app.use(express.static(options.staticDir, { index: 'index.html', fallthrough: true }))
  app.use((_req, res) => {
    res.status(404).json({ ok: false, error: { kind: 'not_found', message: 'no such route' } })
  })
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status ?? 500
    res.status(status).json({
      ok: false,
      error: { kind: status < 500 ? 'validation' : 'internal', message: error.message },
    })
  })

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, bindHost, (error?: Error) =>
      error ? reject(error) : resolve(s),
    )
  })
  port = (server.address() as AddressInfo).port
  const urlHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost
  const url = `http://${urlHost}:${port}`
  logger.debug(`HTTP host listening on ${url}`)
  return {
    url,
    openUrl: `${url}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe()
      for (const client of sseClients) client.end()
      sseClients.clear()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return undefined
}
