import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import busboy from 'busboy'
import type { Request, Response } from 'express'
import type { ErrorInfo } from '../../shared/errors'
import type { Caller } from '../core/accounts/caller'
import type { Workbench } from '../core/workbench'

export const defaultUploadLimitBytes = 2 * 1024 ** 3

/** A file name as sent, reduced to one harmless path segment. */
function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[^\p{L}\p{N}._ -]/gu, '_')
  return base.replace(/^\.+/, '').slice(0, 200) || 'upload'
}

/**
 * `POST /upload`: audio sent by a remote user (multipart/form-data, any number of files), each
 * streamed to the project's uploads folder with a size limit, then imported by the same job and
 * checks as a file on disk (`import.start`). An oversize or cut-off upload leaves nothing behind;
 * the uploads are removed when the import job ends. The route is cleared as `import.start`
 * (http.ts) before any byte is read.
 */
export function uploadHandler(
  workbench: Workbench,
  limitBytes: number,
  fail: (res: Response, status: number, error: ErrorInfo) => void,
): (req: Request, res: Response, caller: Caller) => Promise<void> {
  return async (req, res, caller) => {
    if (!req.is('multipart/form-data'))
      return fail(res, 415, { kind: 'validation', message: 'send files as multipart/form-data' })
    const dir = join(workbench.uploadsDir, randomBytes(12).toString('hex'))
    await mkdir(dir, { recursive: true })
    const paths: string[] = []
    const writes: Promise<void>[] = []
    let oversize: string | null = null
    let parser: busboy.Busboy
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: limitBytes, files: 1000 } })
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      return fail(res, 400, { kind: 'validation', message: (error as Error).message })
    }
    parser.on('file', (_field, stream, info) => {
      const name = info.filename ?? 'upload'
      // Each file in a folder of its own, so the recording keeps the name it was sent with.
      const folder = join(dir, String(paths.length))
      const path = join(folder, safeName(name))
      paths.push(path)
      stream.on('limit', () => {
        oversize = name
        stream.resume()
      })
      writes.push(mkdir(folder).then(() => pipeline(stream, createWriteStream(path))))
    })
    const parsed = new Promise<void>((resolve, reject) => {
      parser.on('close', resolve)
      parser.on('error', reject)
      req.on('aborted', () => reject(new Error('the upload was cut off')))
    })
    try {
      req.pipe(parser)
      await parsed
      await Promise.all(writes)
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      return fail(res, 400, {
        kind: 'bad_input',
        message: `the upload did not arrive whole: ${(error as Error).message}`,
      })
    }
    if (oversize !== null || paths.length === 0) {
      await rm(dir, { recursive: true, force: true })
      return oversize !== null
        ? fail(res, 413, {
            kind: 'bad_input',
            message: `${oversize} is larger than this server accepts (${Math.round(limitBytes / 1024 ** 2)} MiB); nothing was imported`,
          })
        : fail(res, 400, { kind: 'validation', message: 'the upload held no file' })
    }
    const started = await workbench.call('import.start', { paths }, caller)
    if (!started.ok) {
      await rm(dir, { recursive: true, force: true })
      return fail(res, 400, started.error)
    }
    const { jobId } = started.value as { jobId: string }
    const off = workbench.events.on('job.finished', (f) => {
      if (f.jobId !== jobId) return
      off()
      void rm(dir, { recursive: true, force: true })
    })
    res.json({ ok: true, value: { jobId, files: paths.length } })
  }
}
