import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { appRoot } from './fixtures'

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : tsFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/**
 * The main process's TypeScript files, named from the repository root, for tests that scan the
 * code for a rule written out by hand. Migrations are left out: they keep the schema's history.
 */
export function mainSources(): { name: string; text: string }[] {
  return tsFiles(join(appRoot, 'src/main')).map((f) => ({
    name: relative(appRoot, f),
    text: readFileSync(f, 'utf8'),
  }))
}
