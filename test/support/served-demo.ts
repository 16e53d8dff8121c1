import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll } from 'vitest'
import { appRoot } from './fixtures'
import { type Served, launchChromium, projectQuery, startServe, waitForLabels } from './serve'

/** An e2e suite on the demo project as `sauti serve` gives it, in a fresh data folder. */
export interface DemoSuite {
  dataDir: string
  /** The demo project's database, beside the running server. */
  dbPath: string
  /** Where screenshots go (test-results/e2e). */
  artefacts: string
  query: ReturnType<typeof projectQuery>
  /**
   * Starts `sauti serve` as a user would and opens one Chromium page at `viewport`. With
   * `labels` (the default) it waits for the first-start labelling by the starter model; without,
   * the demo is left unlabelled (`--no-demo-labels`) for tests that need none.
   */
  open(options: {
    viewport: { width: number; height: number }
    labels?: boolean
  }): Promise<{ served: Served; page: Page }>
  /** Starts `sauti serve` again on the same data folder, as after a crash. */
  serveAgain(): Promise<Served>
}

/**
 * The data folder, database and screenshots folder of an e2e suite on the demo project. Call at
 * the top of the test file: after the suite, the browser closes, every server it started stops
 * and the data folder is removed.
 */
export function demoSuite(name: string): DemoSuite {
  const dataDir = mkdtempSync(join(tmpdir(), `sauti-${name}-`))
  const dbPath = join(dataDir, 'projects', 'demo', 'project.sqlite')
  const artefacts = join(appRoot, 'test-results', 'e2e')
  mkdirSync(artefacts, { recursive: true })
  let browser: Browser | undefined
  const servers: Served[] = []
  const serve = async (serveArgs: string[]): Promise<Served> => {
    const served = await startServe(dataDir, [], serveArgs)
    servers.push(served)
    return served
  }
  afterAll(async () => {
    await browser?.close()
    for (const served of servers) await served.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return {
    dataDir,
    dbPath,
    artefacts,
    query: projectQuery(dbPath),
    async open({ viewport, labels = true }) {
      const served = await serve(labels ? [] : ['--no-demo-labels'])
      if (labels) await waitForLabels(served)
      browser = await launchChromium()
      const page = await (await browser.newContext({ viewport })).newPage()
      return { served, page }
    },
    serveAgain: () => serve([]),
  }
}
