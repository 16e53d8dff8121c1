import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/logger'
import type { Workbench } from '../../src/main/core/workbench'
import { startHttpHost, type HttpHost } from '../../src/main/hosts/http'
import { snapshot } from '../support/db'
import { formatFixtures } from '../support/fixtures'
import { expectNoOpenWorkbenches, importAndWait, openTestWorkbench } from '../support/workbench'

let wb: Workbench
let host: HttpHost
let dispose: () => Promise<void>
let recordingId: number
const staticDir = mkdtempSync(join(tmpdir(), 'sauti-static-'))
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Sauti</title>')

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench())
  const summary = await importAndWait(wb, [join(formatFixtures, 'clip.flac')])
  recordingId = summary.recordingIds[0]!
  host = await startHttpHost({ workbench: wb, staticDir, logger: silentLogger })
})
afterAll(async () => {
  await host.close()
  await dispose()
  expectNoOpenWorkbenches()
})

const auth = (): Record<string, string> => ({ Authorization: `Bearer ${host.token}` })
const api = (
  method: string,
  body: unknown,
  headers: Record<string, string> = auth(),
): Promise<Response> =>
  fetch(`${host.url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

describe('sauti serve: access', () => {
  it('binds to 127.0.0.1', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('refuses calls, media, events and the UI without the token (401)', async () => {
    expect((await api('project.summary', {}, {})).status).toBe(401)
    expect((await api('project.summary', {}, { Authorization: 'Bearer wrong' })).status).toBe(401)
    expect((await fetch(`${host.url}/media/${recordingId}`)).status).toBe(401)
    expect((await fetch(`${host.url}/events`)).status).toBe(401)
    expect((await fetch(`${host.url}/`)).status).toBe(401)
  })

  it('trades the token in the printed URL for a same-site, HTTP-only cookie', async () => {
    const first = await fetch(host.openUrl, { redirect: 'manual' })
    expect(first.status).toBe(302)
    expect(first.headers.get('location')).toBe('/')
    const cookie = first.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const page = await fetch(`${host.url}/`, { headers: { Cookie: cookie.split(';')[0]! } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/)
  })

  it('rejects requests addressed to another host name (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${host.url}/api/project.summary`,
        {
          method: 'POST',
          headers: { ...auth(), Host: 'evil.example:80', 'Content-Type': 'application/json' },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end('{}')
    })
    expect(status).toBe(403)
  })

  it('accepts only JSON calls', async () => {
    const res = await fetch(`${host.url}/api/project.summary`, {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'text/plain' },
      body: '{}',
    })
    expect(res.status).toBe(415)
  })
})

describe('sauti serve: contract calls', () => {
  it('answers a valid call with the envelope', async () => {
    const res = await api('project.summary', {})
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ok: true, value: { id: 'test', recordingCount: 1 } })
  })

  it('returns a typed validation error for an invalid payload, and does nothing', async () => {
    const before = snapshot(wb.project.db)
    const jobsBefore = wb.jobs.list()
    const cases: [string, unknown][] = [
      ['import.start', { paths: '/etc/passwd' }],
      ['import.start', { paths: [] }],
      ['import.start', { paths: ['/tmp/a.wav'], extra: true }],
      ['recording.get', { id: '1; DROP TABLE recording' }],
      ['recording.peaks', { id: -3 }],
      ['utterance.list', { limit: 1e9 }],
    ]
    for (const [method, input] of cases) {
      const res = await api(method, input)
      expect(res.status, method).toBe(400)
      const body = (await res.json()) as { ok: boolean; error: { kind: string; message: string } }
      expect(body.ok).toBe(false)
      expect(body.error.kind).toBe('validation')
      expect(body.error.message).toMatch(
        new RegExp(`^invalid input for ${method.replace('.', '\\.')}: `),
      )
    }
    expect(wb.jobs.list()).toEqual(jobsBefore)
    expect(snapshot(wb.project.db)).toEqual(before)
  })

  it('names an unknown call', async () => {
    const res = await api('recording.delete', { id: 1 })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({
      ok: false,
      error: { kind: 'not_found', message: 'no such call: recording.delete' },
    })
  })

  it('maps a missing recording to 404', async () => {
    const res = await api('recording.get', { id: 9999 })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({
      error: { kind: 'not_found', message: 'no recording with id 9999' },
    })
  })
})

describe('sauti serve: media', () => {
  it('streams the stored original with HTTP Range', async () => {
    const original = readFileSync(join(formatFixtures, 'clip.flac'))
    const whole = await fetch(`${host.url}/media/${recordingId}`, { headers: auth() })
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-type')).toBe('audio/flac')
    expect(whole.headers.get('accept-ranges')).toBe('bytes')
    expect(Buffer.from(await whole.arrayBuffer()).equals(original)).toBe(true)

    const part = await fetch(`${host.url}/media/${recordingId}`, {
      headers: { ...auth(), Range: 'bytes=100-199' },
    })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${original.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(original.subarray(100, 200))).toBe(true)

    const beyond = await fetch(`${host.url}/media/${recordingId}`, {
      headers: { ...auth(), Range: `bytes=${original.length + 10}-` },
    })
    expect(beyond.status).toBe(416)
  })

  it('refuses media ids that are not positive integers', async () => {
    expect(
      (await fetch(`${host.url}/media/..%2F..%2Fetc%2Fpasswd`, { headers: auth() })).status,
    ).toBe(400)
    expect((await fetch(`${host.url}/media/424242`, { headers: auth() })).status).toBe(404)
  })
})

describe('sauti serve: events', () => {
  it('pushes job progress and completion over SSE', async () => {
    const controller = new AbortController()
    const res = await fetch(`${host.url}/events`, { headers: auth(), signal: controller.signal })
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const reader = res.body!.getReader()
    let text = ''
    const started = await api('import.start', { paths: [join(formatFixtures, 'clip.ogg')] })
    expect(started.status).toBe(200)
    const decoder = new TextDecoder()
    while (!text.includes('event: job.finished')) {
      const { value, done } = await reader.read()
      if (done) break
      text += decoder.decode(value)
    }
    controller.abort()
    expect(text).toMatch(/event: job\.progress\ndata: \{/)
    const finished = text.split('event: job.finished\ndata: ')[1]!.split('\n')[0]!
    expect(JSON.parse(finished)).toMatchObject({
      kind: 'import',
      status: 'done',
      summary: { imported: 1 },
    })
  })
})
