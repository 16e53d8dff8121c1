/** What the Chromium benchmarks share: a served workbench, one page, the page's JS heap. */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import type { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { silentLogger } from '../../src/main/core/logger'
import type { OpenProject } from '../../src/main/core/project/projects'
import { startHttpHost } from '../../src/main/hosts/http'
import { appRoot } from '../support/fixtures'
import { launchChromium } from '../support/serve'
import { newWorkbench } from '../support/workbench'

export interface BenchPage {
  page: Page
  openUrl: string
  /** The renderer's used JS heap after a forced garbage collection, in bytes. */
  heap(): Promise<number>
  /** Closes the browser, the host and the workbench, and removes the data folder. */
  close(): Promise<void>
}

export async function openBenchPage(
  dataDir: string,
  project: OpenProject,
  workers: AudioWorkers,
  viewport: { width: number; height: number },
): Promise<BenchPage> {
  const workbench = newWorkbench(dataDir, project, workers, 'bench')
  const host = await startHttpHost({
    workbench,
    staticDir: join(appRoot, 'out', 'renderer'),
    logger: silentLogger,
  })
  const browser = await launchChromium()
  const page = await browser.newPage({ viewport })
  // tsx keeps function names with a `__name` helper that the page does not have.
  await page.addInitScript('globalThis.__name = (f) => f')
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  return {
    page,
    openUrl: host.openUrl,
    heap: async () => {
      await cdp.send('HeapProfiler.collectGarbage')
      const { metrics } = await cdp.send('Performance.getMetrics')
      return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0
    },
    close: async () => {
      await browser.close()
      await host.close()
      await workbench.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
