import { realpathSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { Request, Response } from 'express'
import yazl from 'yazl'
import type { ErrorInfo } from '../../shared/errors'
import type { Workbench } from '../core/workbench'

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...(await filesUnder(path)))
    else if (entry.isFile()) found.push(path)
  }
  return found.sort()
}

/**
 * `GET /exports/<folder>.zip`: an export (or backup) folder directly in the server's export root,
 * streamed as a zip to a lead (docs/team-server.md). Only folder names are accepted, and one
 * that is not there, or leads out of the root, gets the same 404. The route is cleared as
 * `export.start` (http.ts).
 */
export function downloadHandler(
  workbench: Workbench,
  fail: (res: Response, status: number, error: ErrorInfo) => void,
): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const missing: ErrorInfo = { kind: 'not_found', message: 'no such export in the export folder' }
    const root = workbench.exportRoot
    const name = String(req.params.file ?? '').replace(/\.zip$/, '')
    if (!root || !/^[\p{L}\p{N}_ -][\p{L}\p{N}._ -]*$/u.test(name)) return fail(res, 404, missing)
    const dir = join(root, name)
    let files: string[]
    try {
      const real = realpathSync(dir)
      if (!real.startsWith(realpathSync(root) + sep) || !(await stat(real)).isDirectory())
        return fail(res, 404, missing)
      files = await filesUnder(real)
    } catch {
      return fail(res, 404, missing)
    }
    const zip = new yazl.ZipFile()
    for (const file of files)
      // Audio is compressed already; storing it keeps the server's cores for annotators.
      zip.addFile(file, `${name}/${relative(dir, file).split(sep).join('/')}`, { compress: false })
    zip.end()
    res.writeHead(200, {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${encodeURIComponent(name)}.zip"`,
      'Cache-Control': 'no-store',
    })
    zip.outputStream.pipe(res)
  }
}
