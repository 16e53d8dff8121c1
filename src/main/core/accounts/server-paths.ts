import { realpathSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { SautiError } from '../../../shared/errors'

/**
 * The folders of the server's disk that a team's accounts may name (docs/team-server.md):
 * import roots to read audio, transcripts and evidence from, one export root to write to.
 * The owner (desktop, CLI) names any path.
 */
export interface ServerPaths {
  importRoots: string[]
  exportRoot: string | null
}

export const noServerPaths: ServerPaths = { importRoots: [], exportRoot: null }

/** The path with its symbolic links resolved, as far as it exists. */
function realPath(path: string): string {
  const missing: string[] = []
  let at = path
  for (;;) {
    try {
      return join(realpathSync(at), ...missing.reverse())
    } catch {
      const parent = dirname(at)
      if (parent === at) return path
      missing.push(basename(at))
      at = parent
    }
  }
}

const inside = (path: string, root: string): boolean => {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(sep))
}

/**
 * The absolute path an account means by `path` (relative paths are read from the first root),
 * or a refusal that reads the same whether the path exists or not, so the answer tells nothing
 * about the disk outside the roots.
 */
export function confine(path: string, roots: string[], what: 'import' | 'export'): string {
  const refusal = SautiError.saying(
    'forbidden',
    what === 'import' ? 'serverImport' : 'serverExport',
    {},
  )
  if (roots.length === 0) throw refusal
  const absolute = resolve(roots[0]!, path)
  const real = realPath(absolute)
  if (!roots.some((root) => inside(absolute, root) && inside(real, realPath(root)))) throw refusal
  return absolute
}
