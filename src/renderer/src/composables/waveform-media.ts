/** What both waveform views share: how peaks are budgeted and how audio is streamed. */

/**
 * Peaks per request for a whole-recording overview: a few per screen pixel is enough to draw
 * sharply, and keeps a two-hour recording at a few tens of kilobytes.
 */
export function peakBudget(width: number): number {
  return Math.min(20_000, Math.max(8_000, Math.ceil(width * 4)))
}

const mediaErrorNames: Record<number, string> = {
  1: 'aborted',
  2: 'network error',
  3: 'decoding failed',
  4: 'format not supported or file not found',
}

export function describeMediaError(error: MediaError | null): string {
  if (!error) return 'unknown error'
  return error.message || mediaErrorNames[error.code] || `media error ${error.code}`
}

/**
 * A hidden `<audio preload="metadata">` streaming one recording with Range requests, so a long
 * file opens with one small request instead of a download and a decode.
 */
export function createMediaElement(
  url: string,
  host: HTMLElement,
  onError: (message: string) => void,
): HTMLAudioElement {
  const element = takePreloadedMedia(url) ?? detachedMedia(url, 'metadata')
  adoptMediaElement(element, host, onError)
  return element
}

function detachedMedia(url: string, preload: 'metadata' | 'auto'): HTMLAudioElement {
  const element = document.createElement('audio')
  element.preload = preload
  element.hidden = true
  element.src = url
  return element
}

/** Puts a (possibly preloaded) element in the page as the player's audio. */
export function adoptMediaElement(
  element: HTMLAudioElement,
  host: HTMLElement,
  onError: (message: string) => void,
): void {
  element.dataset.testid = 'audio'
  element.addEventListener('error', () => onError(describeMediaError(element.error)))
  if (element.error) onError(describeMediaError(element.error))
  host.appendChild(element)
}

/**
 * Audio of the recordings the annotator will probably open next, already asking the server for
 * their first bytes: a media element spends a few hundred milliseconds on a new file before it
 * can seek, which "save and next" should not wait for.
 */
const preloaded = new Map<string, HTMLAudioElement>()
const PRELOAD_LIMIT = 2

export function preloadMedia(url: string, atSec = 0): void {
  if (preloaded.has(url)) return
  const element = detachedMedia(url, 'auto')
  // Seek ahead as well, so the audio at the utterance is buffered when it is opened.
  if (atSec > 0)
    element.addEventListener('loadedmetadata', () => (element.currentTime = atSec), { once: true })
  preloaded.set(url, element)
  while (preloaded.size > PRELOAD_LIMIT) {
    const [oldest, element] = preloaded.entries().next().value!
    preloaded.delete(oldest)
    releaseMediaElement(element)
  }
}

/** The preloaded element for a URL, if any; it is the caller's from now on. */
export function takePreloadedMedia(url: string): HTMLAudioElement | undefined {
  const element = preloaded.get(url)
  preloaded.delete(url)
  return element
}

/** Stops an element's download and removes it (wavesurfer leaves a media element it was given alone). */
export function releaseMediaElement(element: HTMLAudioElement): void {
  element.pause()
  element.removeAttribute('src')
  element.load()
  element.remove()
}
