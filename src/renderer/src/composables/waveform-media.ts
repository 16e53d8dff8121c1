/** Media elements as the waveform player uses them: streamed, hidden, and released with care. */
import type { Subscriptions } from './subscriptions'

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
 * A hidden `<audio>` streaming one recording with Range requests, so a long file opens with one
 * small request instead of a download and a decode; `auto` fetches ahead.
 */
export function detachedMedia(url: string, preload: 'metadata' | 'auto'): HTMLAudioElement {
  const element = document.createElement('audio')
  element.preload = preload
  element.hidden = true
  element.src = url
  return element
}

/** Puts a (possibly preloaded) element in the page as a player's audio, reporting its errors. */
export function adoptMedia(
  element: HTMLAudioElement,
  host: HTMLElement,
  subscriptions: Subscriptions,
  onError: (message: string) => void,
): void {
  element.dataset.testid = 'audio'
  subscriptions.listen(element, 'error', () => onError(describeMediaError(element.error)))
  if (element.error) onError(describeMediaError(element.error))
  host.appendChild(element)
}

/** Stops an element's download and removes it (wavesurfer leaves a media element it was given alone). */
export function releaseMediaElement(element: HTMLAudioElement): void {
  element.pause()
  element.removeAttribute('src')
  element.load()
  element.remove()
}
