import { defineStore } from 'pinia'
import type { AppInfo, ProjectSummary } from '../../../shared/domain'
import { useAsync } from '../composables/useAsync'
import { useClient } from '../composables/useClient'

/** The open project: who serves it and what it holds. */
export const useProjectStore = defineStore('project', () => {
  const client = useClient()
  const info = useAsync<AppInfo>()
  const summary = useAsync<ProjectSummary>()

  async function loadSummary(): Promise<void> {
    await summary.run(() => client.call('project.summary', {}))
  }

  async function load(): Promise<void> {
    await Promise.all([info.run(() => client.call('app.info', {})), loadSummary()])
  }

  /** Keeps the counts current while imports run; returns the unsubscribe. */
  function listen(): () => void {
    const offChanged = client.on('project.changed', () => void loadSummary())
    // Annotators' saves move the progress counts; one refresh per burst is enough.
    let pending: ReturnType<typeof setTimeout> | null = null
    const offUtterances = client.on('utterance.changed', () => {
      if (pending) return
      pending = setTimeout(() => {
        pending = null
        void loadSummary()
      }, 500)
    })
    // A labelling run may have moved inference to another provider: show where it ran.
    const offFinished = client.on('job.finished', (f) => {
      if (f.kind === 'label') void info.run(() => client.call('app.info', {}))
    })
    return () => {
      offChanged()
      offUtterances()
      if (pending) clearTimeout(pending)
      offFinished()
    }
  }

  return {
    info: info.data,
    infoStatus: info.status,
    infoError: info.error,
    summary: summary.data,
    summaryStatus: summary.status,
    summaryError: summary.error,
    load,
    loadSummary,
    listen,
  }
})
