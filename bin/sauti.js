#!/usr/bin/env node
// The `sauti` command. The TypeScript sources are built into out/ by `npm install` (prepare)
// or `npm run build`.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const entry = fileURLToPath(new URL('../out/main/cli.js', import.meta.url))
if (!existsSync(entry)) {
  console.error(
    'sauti: the app is not built yet; run `npm install` (or `npm run build`) in the Sauti folder first.',
  )
  process.exit(1)
}
await import(entry)
