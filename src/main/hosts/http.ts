import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createServer as createHttpServer, type Server } from 'node:http'
import express, { type NextFunction, type Request, type Response } from 'express'
import { SautiError, type ErrorKind } from '../../shared/errors'
import { eventNames, type Method } from '../../shared/contract'
import type { MessageArgs, ServerMessageKey } from '../../shared/messages'
import { accountCaller, localOwner, type Caller } from '../core/accounts/caller'
import { mediaResponse } from '../core/audio/media'
import { classify } from '../core/dispatch'
import type { Logger } from '../core/logger'
import type { Workbench } from '../core/workbench'
import { checkBinding, type Binding } from './http-binding'
import { crossSiteGuard, fail, securityHeaders } from './http-guards'
import {
  LoginThrottle,
  Sessions,
  cookieName,
  defaultLifetime,
  readCookie,
  type SessionLifetime,
} from './http-sessions'
import { downloadHandler } from './http-download'
import { defaultUploadLimitBytes, uploadHandler } from './http-upload'

export interface HttpHostOptions extends Partial<Binding> {
  workbench: Workbench
  /** Built renderer (out/renderer). */
  staticDir: string
  port?: number
  logger: Logger
  sessionLifetime?: SessionLifetime
  /** The largest file an upload may carry. */
  uploadLimitBytes?: number
  /** Failed sign-ins allowed per account and per address in a window. */
  loginLimits?: { account: number; address: number; windowMs: number }
}

export interface HttpHost {
  url: string
  /** The URL to open once: it carries the token and sets the session cookie (not on a team server). */
  openUrl: string
  port: number
  token: string
  /** Accounts required: a team server. */
  team: boolean
  cookieName: string
  close(): Promise<void>
}

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

/** A refusal of the host's own (sign-in), said by key so the page shows it in its language. */
const refuse = (
  res: Response,
  status: number,
  kind: ErrorKind,
  key: ServerMessageKey,
  args: MessageArgs = {},
): void => fail(res, status, SautiError.saying(kind, key, args).toInfo())

/**
 * `sauti serve`: the contract over HTTP (docs/team-server.md). POST /api/<method> for calls,
 * GET /events for events (SSE), GET /media/<id> for audio with Range, POST /upload for audio
 * sent from a browser, and the built renderer. On loopback the token makes the caller the
 * local owner, as the desktop app; a team server signs people in to their accounts
 * (/auth/login, /auth/logout, /auth/accept), and the token stays the owner's for scripts.
 */
export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { workbench, logger } = options
  const bindHost = options.host ?? '127.0.0.1'
  const facing = checkBinding({ ...options, host: bindHost })
  const token = options.token ?? randomBytes(32).toString('base64url')
  const tokenBytes = Buffer.from(token)
  // The local owner's session cookie is derived from the token, so a server restarted on the
  // same data folder (whose token it keeps, serve-token.ts) still accepts the open tabs.
  const ownerSession = createHmac('sha256', token).update('sauti: local owner').digest('base64url')
  const ownerSessionBytes = Buffer.from(ownerSession)
  const sessions = new Sessions(options.sessionLifetime ?? defaultLifetime)
  const throttle = new LoginThrottle(options.loginLimits)
  const sseClients = new Set<Response>()
  let cookie = ''

  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  // Behind a proxy, the client's address is the one the proxy on this machine forwards.
  if (options.behindProxy) app.set('trust proxy', 'loopback')

  const addressOf = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? ''
  const expectedOrigin = (req: Request): string =>
    facing.publicOrigin ?? `${options.tls ? 'https' : 'http'}://${req.headers.host ?? ''}`

  app.use(securityHeaders(facing, bindHost))

  const matches = (candidate: string | undefined): boolean => {
    if (!candidate) return false
    const bytes = Buffer.from(candidate)
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes)
  }
  const setSession = (res: Response, value: string, maxAgeSec: number): void => {
    const attributes = ['HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${maxAgeSec}`]
    if (facing.secure) attributes.push('Secure')
    res.setHeader('Set-Cookie', `${cookie}=${value}; ${attributes.join('; ')}`)
  }
  const absoluteSec = Math.floor((options.sessionLifetime ?? defaultLifetime).absoluteMs / 1000)

  /** Who is calling: the token's owner, a session's caller, or nobody. */
  const callers = new WeakMap<Request, { caller: Caller; bySession: boolean }>()
  app.use((req, res, next) => {
    const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1]
    const address = addressOf(req)
    if (bearer !== undefined) {
      // Guessing the token is throttled per address like a password.
      const wait = throttle.retryAfter(null, address)
      if (wait > 0) {
        res.setHeader('Retry-After', String(wait))
        return fail(res, 429, { kind: 'forbidden', message: 'too many wrong tokens: wait' })
      }
      if (matches(bearer)) {
        callers.set(req, { caller: localOwner, bySession: false })
        return next()
      }
      throttle.fail(null, address)
    }
    const cookieValue = readCookie(req.headers.cookie, cookie)
    const given = Buffer.from(cookieValue ?? '')
    const fromCookie =
      !facing.team &&
      given.length === ownerSessionBytes.length &&
      timingSafeEqual(given, ownerSessionBytes)
        ? localOwner
        : sessions.read(cookieValue)
    if (fromCookie) callers.set(req, { caller: fromCookie, bySession: true })
    const query = typeof req.query.token === 'string' ? req.query.token : undefined
    if (!facing.team && req.method === 'GET' && req.path === '/' && query !== undefined) {
      if (matches(query)) {
        // First visit: trade the token in the URL for a session, and drop it from the address bar.
        setSession(res, ownerSession, absoluteSec)
        return res.redirect(302, '/')
      }
      throttle.fail(null, address)
    }
    next()
  })

  // A state-changing request riding on a cookie must come from our own pages (CSRF).
  app.use(
    crossSiteGuard(
      (req) => callers.get(req)?.bySession === true || req.path.startsWith('/auth/'),
      expectedOrigin,
    ),
  )

  const json = express.json({ limit: '1mb', strict: false })
  const jsonOnly = (req: Request, res: Response, next: NextFunction): void => {
    // JSON only: together with SameSite cookies this keeps other sites' forms out.
    if (!req.is('application/json'))
      return fail(res, 415, {
        kind: 'validation',
        message: 'calls must be sent as application/json',
      })
    next()
  }

  if (facing.team) {
    // The sign-in page is the app itself: its files hold no data and are served to anyone.
    app.use(express.static(options.staticDir, { index: 'index.html', fallthrough: true }))
    app.post('/auth/login', jsonOnly, json, async (req: Request, res: Response) => {
      const { login, password } = (req.body ?? {}) as { login?: unknown; password?: unknown }
      if (typeof login !== 'string' || typeof password !== 'string' || login.length > 200)
        return refuse(res, 400, 'validation', 'signInMissing')
      const wait = throttle.retryAfter(login, addressOf(req))
      if (wait > 0) {
        res.setHeader('Retry-After', String(wait))
        return refuse(res, 429, 'forbidden', 'signInThrottled', { minutes: Math.ceil(wait / 60) })
      }
      const account = await workbench.signIn(login, password.slice(0, 1024))
      if (!account) {
        throttle.fail(login, addressOf(req))
        return refuse(res, 401, 'forbidden', 'wrongLogin')
      }
      throttle.succeed(login)
      setSession(res, sessions.open(accountCaller(account.id)), absoluteSec)
      res.json({ ok: true, value: { login: account.login, role: account.role } })
    })
    app.post('/auth/accept', jsonOnly, json, async (req: Request, res: Response) => {
      const { token: link, password } = (req.body ?? {}) as { token?: unknown; password?: unknown }
      if (typeof link !== 'string' || typeof password !== 'string')
        return refuse(res, 400, 'validation', 'acceptMissing')
      const wait = throttle.retryAfter(null, addressOf(req))
      if (wait > 0) return refuse(res, 429, 'forbidden', 'tooManyTries')
      try {
        const account = await workbench.acceptLink(link, password)
        sessions.closeAccount(account.id)
        setSession(res, sessions.open(accountCaller(account.id)), absoluteSec)
        res.json({ ok: true, value: { login: account.login, role: account.role } })
      } catch (error) {
        const info = classify(error)
        if (info.kind === 'forbidden') throttle.fail(null, addressOf(req))
        fail(res, statusOf[info.kind], info)
      }
    })
  }

  // Everything below needs a caller.
  app.use((req, res, next) => {
    if (callers.has(req)) return next()
    res.status(401)
    if (facing.team || req.path.startsWith('/api/') || req.path.startsWith('/media/'))
      res.json({
        ok: false,
        error: {
          kind: 'forbidden',
          message: facing.team
            ? 'sign in first'
            : 'missing or wrong token: open the URL that `sauti serve` printed',
          details: { signIn: facing.team },
        },
      })
    else
      res
        .type('text/plain')
        .send(
          'Sauti: missing or wrong token. Open the URL that `sauti serve` printed (it ends in ?token=…).\n',
        )
  })
  const callerOf = (req: Request): Caller => callers.get(req)!.caller
  /**
   * For a route outside /api that does the work of a contract call: a caller whom that call
   * would refuse is refused here (403, with the reason), before anything of the request is read.
   */
  const clearedAs =
    (method: Method) =>
    (req: Request, res: Response, next: NextFunction): void => {
      const refused = workbench.refusal(method, callerOf(req))
      if (refused) fail(res, 403, refused)
      else next()
    }

  app.post('/auth/logout', (req, res) => {
    sessions.close(readCookie(req.headers.cookie, cookie))
    setSession(res, '', 0)
    res.json({ ok: true, value: null })
  })

  app.post('/api/:method', jsonOnly, json, async (req: Request, res: Response) => {
    const method = String(req.params.method)
    const result = await workbench.call(method, req.body, callerOf(req))
    // A disabled account or a reset password ends the account's sessions at once.
    const body = req.body as { id: number; disabled?: boolean }
    if (
      result.ok &&
      (method === 'account.resetPassword' || (method === 'account.disable' && body.disabled))
    )
      sessions.closeAccount(body.id)
    res.status(result.ok ? 200 : statusOf[result.error.kind]).json(result)
  })

  const upload = uploadHandler(workbench, options.uploadLimitBytes ?? defaultUploadLimitBytes, fail)
  app.post('/upload', clearedAs('import.start'), (req, res) => upload(req, res, callerOf(req)))
  app.get('/exports/:file', clearedAs('export.start'), downloadHandler(workbench, fail))

  app.get('/events', clearedAs('job.list'), (req, res) => {
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

  app.get('/media/:id', clearedAs('recording.get'), async (req, res) => {
    const id = Number(req.params.id)
    if (!Number.isSafeInteger(id) || id <= 0)
      return fail(res, 400, { kind: 'validation', message: 'media id must be a positive integer' })
    try {
      const file = workbench.mediaFile(id)
      const media = await mediaResponse(file.path, file.format, req.headers.range)
      res.writeHead(media.status, media.headers)
      if (media.body) media.body.pipe(res)
      else res.end()
    } catch (error) {
      const info = classify(error)
      fail(res, statusOf[info.kind], info)
    }
  })

  if (!facing.team)
    app.use(express.static(options.staticDir, { index: 'index.html', fallthrough: true }))
  app.use((_req, res) => fail(res, 404, { kind: 'not_found', message: 'no such route' }))
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status ?? 500
    fail(res, status, { kind: status < 500 ? 'validation' : 'internal', message: error.message })
  })

  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, app)
    : createHttpServer(app)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, bindHost, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  cookie = cookieName(port, workbench.project.ref.id, facing.secure)
  const urlHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost
  const url = facing.publicOrigin ?? `${options.tls ? 'https' : 'http'}://${urlHost}:${port}`
  logger.debug(`HTTP host listening on ${url}`)
  return {
    url,
    openUrl: facing.team ? `${url}/` : `${url}/?token=${token}`,
    port,
    token,
    team: facing.team,
    cookieName: cookie,
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
