import { defineStore } from 'pinia'
import { useClient } from '../composables/useClient'
import { detachedMedia, releaseMediaElement } from '../composables/waveform-media'

export interface LoadedPeaks {
  durationSec: number
  data: Float32Array
}

/** Peaks of this many recordings are kept (the last few shown, and the next one). */
const PEAKS_KEPT = 4
/** Audio elements fetching ahead at once. */
const PRELOAD_LIMIT = 2

/**
 * What the waveform players fetch ahead and keep: fine peaks of the last few recordings and the
 * start of the audio of the ones the annotator will probably open next. A media element spends a
 * few hundred milliseconds on a new file before it can seek, which "save and next" should not
 * wait for. Plain maps: nothing here is shown, so nothing needs to be reactive.
 */
export const useAudioStore = defineStore('audio', () => {
  const client = useClient()
  const peaks = new Map<number, Promise<LoadedPeaks>>()
  const preloaded = new Map<string, HTMLAudioElement>()

  /**
   * The absolute media URL: an element reports its `src` absolute, and the player compares it
   * with the URL it is given to decide whether the element already holds that file.
   */
  function mediaUrl(recordingId: number): string {
    return new URL(client.mediaUrl(recordingId), location.href).href
  }

  /** Peaks fine enough to zoom to a word: 400 a second for clips, 100 for hours-long files. */
  function detailPeaks(id: number): Promise<LoadedPeaks> {
    const cached = peaks.get(id)
    if (cached) return cached
    const task = (async () => {
      const recording = await client.call('recording.get', { id })
      const fetched = await client.call('recording.peaks', {
        id,
        maxPeaks: Math.min(2_000_000, Math.max(1000, Math.ceil(recording.durationSec * 400))),
      })
      return { durationSec: fetched.durationSec, data: Float32Array.from(fetched.data) }
    })()
    task.catch(() => peaks.delete(id))
    peaks.set(id, task)
    while (peaks.size > PEAKS_KEPT) peaks.delete(peaks.keys().next().value!)
    return task
  }

  /** Starts fetching a recording's audio, seeked ahead to where it will be played. */
  function preloadMedia(url: string, atSec: number): void {
    if (preloaded.has(url)) return
    const element = detachedMedia(url, 'auto')
    if (atSec > 0)
      element.addEventListener('loadedmetadata', () => (element.currentTime = atSec), {
        once: true,
      })
    preloaded.set(url, element)
    while (preloaded.size > PRELOAD_LIMIT) {
      const [oldest, dropped] = preloaded.entries().next().value!
      preloaded.delete(oldest)
      releaseMediaElement(dropped)
    }
  }

  /** Fetches a recording's peaks and the start of its audio ahead of time (the next utterance). */
  function prefetch(recordingId: number, atSec = 0): void {
    void detailPeaks(recordingId).catch(() => undefined)
    preloadMedia(mediaUrl(recordingId), atSec)
  }

  /** The preloaded element for a URL, if any; it is the caller's from now on. */
  function takePreloaded(url: string): HTMLAudioElement | undefined {
    const element = preloaded.get(url)
    preloaded.delete(url)
    return element
  }

  return { mediaUrl, detailPeaks, prefetch, takePreloaded }
})
