import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, relative } from 'node:path'

/**
 * A model hub on 127.0.0.1 with the Hugging Face URL layout, serving repositories made from
 * fixture folders: the revision API, `resolve/` with the headers the real hub sends (large
 * files redirect to storage and carry X-Linked-Etag / X-Linked-Size), Range requests, a gated
 * repository, and faults on demand: a connection dropped mid-file, corrupted bytes.
 */
export interface HubRepository {
  /** Files by their path in the repository (onnx/model.onnx). */
  files: Record<string, string>
  gated?: boolean
  /** The served ONNX bytes differ from the announced sha256. */
  corrupt?: boolean
  /** Every GET of a large file is cut after this many bytes (a flaky link), this many times. */
  dropAfter?: { bytes: number; times: number }
}

export interface TestHub {
  url: string
  /** Every request, as "METHOD path [range]". */
  requests: string[]
  close(): Promise<void>
}

export const hubToken = 'hf_test_token'

/** A fixture folder's files as a repository laid out like a hub's ONNX repository. */
export function repositoryFrom(dir: string, onnxDir = 'onnx'): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) walk(path)
      else {
        const inRepo = relative(dir, path)
        files[/\.onnx(_data)?$/.test(name) ? `${onnxDir}/${inRepo}` : inRepo] = path
      }
    }
  }
  walk(dir)
  return files
}

export async function startHub(repositories: Record<string, HubRepository>): Promise<TestHub> {
  const requests: string[] = []
  const commit = (repo: string): string => createHash('sha1').update(repo).digest('hex')
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub')
    requests.push(
      `${req.method} ${url.pathname}${req.headers.range ? ` ${req.headers.range}` : ''}`,
    )
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname)
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname)
    const cdn = /^\/cdn\/([^/]+\/[^/]+)\/(.+)$/.exec(url.pathname)
    const name = decodeURIComponent((api ?? resolve ?? cdn)?.[1] ?? '')
    const repo = repositories[name]
    if (!repo) {
      // The real hub answers 401 for a repository it will not name, with this code.
      res.writeHead(401, { 'x-error-code': 'RepoNotFound' }).end('Repository not found')
      return
    }
    if (repo.gated && req.headers.authorization !== `Bearer ${hubToken}`) {
      res.writeHead(403, { 'x-error-code': 'GatedRepo' }).end('Access to this model is restricted')
      return
    }
    if (api) {
      if (!['main', commit(name)].includes(decodeURIComponent(api[2]!))) {
        res.writeHead(404, { 'x-error-code': 'RevisionNotFound' }).end('Invalid rev id')
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          id: name,
          sha: commit(name),
          siblings: Object.keys(repo.files).map((rfilename) => ({ rfilename })),
        }),
      )
      return
    }
    const path = decodeURIComponent((resolve ?? cdn)![resolve ? 3 : 2]!)
    const file = repo.files[path]
    if (!file) {
      res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found')
      return
    }
    const bytes = readFileSync(file)
    const large = /\.onnx(_data)?$/.test(path)
    if (resolve && large) {
      // Large files are stored elsewhere: a redirect that names their sha256 and size.
      res.writeHead(302, {
        location: `/cdn/${name}/${path}`,
        'x-linked-etag': `"${createHash('sha256').update(bytes).digest('hex')}"`,
        'x-linked-size': String(bytes.length),
        'x-repo-commit': commit(name),
      })
      res.end()
      return
    }
    const served = Buffer.from(bytes)
    if (repo.corrupt && large) served[served.length >> 1] = served[served.length >> 1]! ^ 0xff
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    const from = range ? Number(range[1]) : 0
    const headers = {
      'content-length': String(served.length - from),
      etag: `"${createHash('sha1').update(bytes).digest('hex')}"`,
      ...(range ? { 'content-range': `bytes ${from}-${served.length - 1}/${served.length}` } : {}),
    }
    res.writeHead(range ? 206 : 200, headers)
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    const drop = repo.dropAfter
    if (drop && large && drop.times > 0) {
      drop.times--
      // A clean close a moment after the bytes: a client that errors its stream at once
      // would drop data it had not read yet, and the test wants a resume from a known part.
      res.write(served.subarray(from, Math.min(served.length, from + drop.bytes)), () =>
        setTimeout(() => res.socket?.end(), 500),
      )
      return
    }
    res.end(served.subarray(from))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
