import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { SautiError } from '../../../shared/errors'
import { said } from '../../../shared/messages'
import type { WorkControl } from '../jobs'

/**
 * Downloads a model repository's ONNX export from a hub with the Hugging Face URL layout
 * (`/api/models/<repo>/revision/<rev>` lists the files, `/<repo>/resolve/<rev>/<path>` serves
 * them), into a cache under the data folder: `hub/<owner>--<name>/<commit>/…`. Files are
 * written as `.incomplete` and resumed with a Range request after a dropped connection; a file
 * is renamed into place only once its size, and its sha256 where the hub gives one, match.
 */
export const defaultHubUrl = 'https://huggingface.co'

export interface PullRequest {
  repo: string
  revision?: string
  /** The ONNX file in the repository; default onnx/model.onnx, else model.onnx. */
  file?: string
  hubUrl?: string
  token?: string
}

export interface PulledRepository {
  dir: string
  file: string
  commit: string
  files: string[]
  origin: Record<string, unknown>
}

/** Files beside the graph that describe it (the first two only matter when present). */
const companions = [
  'model.json',
  'vocab.json',
  'config.json',
  'preprocessor_config.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'README.md',
  'LICENSE',
]

export async function pullRepository(
  cacheDir: string,
  request: PullRequest,
  control: WorkControl = {},
): Promise<PulledRepository> {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(request.repo))
    throw new SautiError(
      'validation',
      `"${request.repo}" is not a repository id (owner/name, as on the hub).`,
    )
  const hub = (request.hubUrl ?? process.env.SAUTI_HUB_URL ?? defaultHubUrl).replace(/\/+$/, '')
  const revision = request.revision ?? 'main'
  const headers: Record<string, string> = request.token
    ? { authorization: `Bearer ${request.token}` }
    : {}
  const where = `${request.repo}@${revision} on ${hub}`
  const info = (await (
    await hubFetch(
      `${hub}/api/models/${request.repo}/revision/${encodeURIComponent(revision)}`,
      { headers, signal: control.signal },
      where,
    )
  ).json()) as { sha?: string; siblings?: { rfilename: string }[] }
  const names = (info.siblings ?? []).map((s) => s.rfilename)
  const onnx = names.filter((n) => n.endsWith('.onnx'))
  const file =
    request.file ??
    ['onnx/model.onnx', 'model.onnx'].find((f) => names.includes(f)) ??
    (onnx.length === 1 ? onnx[0] : undefined)
  if (!file || !names.includes(file))
    throw new SautiError(
      'not_found',
      onnx.length === 0
        ? `${where} has no ONNX file; export one with optimum-cli export onnx (docs/models.md) or pull a repository that has one.`
        : `${where} has no ${file ?? 'onnx/model.onnx or model.onnx'}; its ONNX files: ${onnx.join(', ')} (choose one with --file).`,
    )
  const base = file.includes('/') ? `${dirname(file)}/` : ''
  const wanted = [
    file,
    ...names.filter((n) => n.startsWith(`${file}_data`) || n.startsWith(`${file}.data`)),
    ...companions.flatMap((c) => [`${base}${c}`, c]).filter((n) => names.includes(n)),
  ].filter((n, i, all) => all.indexOf(n) === i)
  const commit = info.sha ?? revision
  const dir = join(cacheDir, request.repo.replace('/', '--'), commit.replace(/[^\w.-]/g, '_'))
  let done = 0
  const total = wanted.length
  for (const name of wanted) {
    const target = join(dir, name)
    if (!existsSync(target))
      await downloadFile(
        `${hub}/${request.repo}/resolve/${encodeURIComponent(commit)}/${name}`,
        target,
        { headers, signal: control.signal, label: name, where },
        (fraction) => control.onProgress?.(done + fraction, total, said('downloading', { name })),
      )
    done++
    control.onProgress?.(done, total, said('downloaded', { name }))
  }
  return {
    dir,
    file,
    commit,
    files: wanted,
    origin: { pulledFrom: { hub, repo: request.repo, revision, commit, file } },
  }
}

/** A request to the hub, its failures in one line each (offline, not found, gated, refused). */
async function hubFetch(url: string, init: RequestInit, where: string): Promise<Response> {
  let response: Response
  try {
    response = await fetch(url, init)
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw new SautiError('cancelled', 'cancelled')
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    throw new SautiError(
      'unavailable',
      `cannot reach ${new URL(url).origin} (${cause?.code ?? cause?.message ?? (error as Error).message}): no network? Copy the model folder to this machine and use \`sauti model import <dir>\` instead.`,
    )
  }
  // A HEAD that redirects (large files live in storage elsewhere) carries the headers we need.
  const redirected = init.redirect === 'manual' && response.status >= 300 && response.status < 400
  if (response.ok || redirected) return response
  const code = response.headers.get('x-error-code')
  if (code === 'GatedRepo' || (response.status === 403 && code !== 'RepoNotFound'))
    throw new SautiError(
      'forbidden',
      `${where} is gated: accept its conditions on the hub, then pull with --token (HTTP ${response.status}).`,
    )
  if (response.status === 401 && code !== 'RepoNotFound')
    throw new SautiError(
      'forbidden',
      `${where} needs a token: give --token (a read token from the hub's settings) (HTTP 401).`,
    )
  if (response.status === 404 || response.status === 401)
    throw new SautiError(
      'not_found',
      `${where}: ${code === 'EntryNotFound' || url.includes('/resolve/') ? `no file ${decodeURIComponent(url.split('/resolve/')[1] ?? url)}` : 'no such repository or revision'} (HTTP ${response.status}).`,
    )
  throw new SautiError(
    'unavailable',
    `${where}: the hub answered HTTP ${response.status} for ${url}.`,
  )
}

/**
 * One file, resumed from its `.incomplete` part up to five times when the connection drops,
 * then checked against the size and sha256 the hub announced (X-Linked-Size / X-Linked-Etag
 * for large files, which redirect to storage; Content-Length and a sha256 ETag otherwise).
 */
async function downloadFile(
  url: string,
  target: string,
  context: { headers: Record<string, string>; signal?: AbortSignal; label: string; where: string },
  onFraction: (fraction: number) => void,
): Promise<void> {
  await mkdir(dirname(target), { recursive: true })
  const part = `${target}.incomplete`
  const head = await hubFetch(
    url,
    { method: 'HEAD', headers: context.headers, redirect: 'manual', signal: context.signal },
    context.where,
  )
  const etag = (head.headers.get('x-linked-etag') ?? head.headers.get('etag') ?? '').replace(
    /^W\//,
    '',
  )
  const sha256 = /^"?([0-9a-f]{64})"?$/.exec(etag)?.[1] ?? null
  const sizeHeader = head.headers.get('x-linked-size') ?? head.headers.get('content-length')
  const size = sizeHeader !== null ? Number(sizeHeader) : null
  for (let attempt = 1; ; attempt++) {
    const have = existsSync(part) ? (await stat(part)).size : 0
    try {
      if (size === null || have < size) await fetchInto(url, part, have, size, context, onFraction)
      break
    } catch (error) {
      if (context.signal?.aborted) throw new SautiError('cancelled', 'cancelled')
      if (error instanceof SautiError || attempt >= 5)
        throw error instanceof SautiError
          ? error
          : new SautiError(
              'unavailable',
              `${context.where}: downloading ${context.label} failed 5 times (${(error as Error).message}); run the same pull again to resume.`,
            )
    }
  }
  const got = (await stat(part)).size
  if (size !== null && got !== size) {
    await rm(part, { force: true })
    throw new SautiError(
      'bad_input',
      `${context.where}: ${context.label} is ${got} bytes but the hub says ${size}; the download was discarded, pull again.`,
    )
  }
  if (sha256) {
    const actual = await sha256Of(part)
    if (actual !== sha256) {
      await rm(part, { force: true })
      throw new SautiError(
        'bad_input',
        `${context.where}: ${context.label} is corrupted (sha256 ${actual.slice(0, 16)}…, the hub says ${sha256.slice(0, 16)}…); the download was discarded, pull again.`,
      )
    }
  }
  await rename(part, target)
}

async function fetchInto(
  url: string,
  part: string,
  have: number,
  size: number | null,
  context: { headers: Record<string, string>; signal?: AbortSignal; where: string },
  onFraction: (fraction: number) => void,
): Promise<void> {
  const response = await hubFetch(
    url,
    {
      headers: { ...context.headers, ...(have > 0 ? { range: `bytes=${have}-` } : {}) },
      signal: context.signal,
    },
    context.where,
  )
  // 200 to a Range request: the server starts over, so must we.
  const resumed = have > 0 && response.status === 206
  const handle = await open(part, resumed ? 'a' : 'w')
  let written = resumed ? have : 0
  try {
    const reader = response.body!.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      await handle.write(value)
      written += value.length
      if (size) onFraction(Math.min(1, written / size))
    }
  } finally {
    await handle.close()
  }
  if (size !== null && written < size)
    throw new Error(`the connection closed at ${written} of ${size} bytes`)
}

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}
