import type { Ref } from 'vue'
import { Subscriptions } from './subscriptions'

/**
 * What reportPlay sets when the browser refuses to play before the person has used the page
 * (autoplay policy: a browser tab of a team server opening the editor's first utterance). It is
 * no fault of the audio, so the screen says how to listen instead of showing an error.
 */
export const AUTOPLAY_BLOCKED = 'autoplay-blocked'

/**
 * Clears the last playback error, and reports the play() promise's refusal if it comes. A play()
 * cut short by a pause() or another load (moving on before playback started) is no refusal: it
 * says so with an AbortError, and showing it put a red "could not be played" over the editor.
 */
export function reportPlay(task: Promise<void>, setError: (message: string | null) => void): void {
  setError(null)
  task.catch((caught: unknown) => {
    if (caught instanceof DOMException && caught.name === 'AbortError') return
    if (caught instanceof DOMException && caught.name === 'NotAllowedError')
      return setError(AUTOPLAY_BLOCKED)
    setError(caught instanceof Error ? caught.message : String(caught))
  })
}

export interface RangePlayback {
  /** Plays [start, end) of the element, stopping (or looping) at the end to the frame. */
  play(element: HTMLMediaElement, start: number, end: number): void
  /** Forgets the range (another utterance is shown) and drops what is pending for it. */
  clear(): void
}

/**
 * Segment playback on the media element itself: seeking through wavesurfer while a previous
 * range's stop position is pending can lose the seek, and its timeupdate comes only every
 * ~250 ms, too late to stop at a word's end. What it registers (a wait for metadata, a frame
 * callback) is released when the next range starts or the range is cleared.
 */
export function rangePlayback(
  loop: Readonly<Ref<boolean>>,
  /** The play() promise, for the owner to report a refusal (autoplay policy, missing file). */
  report: (task: Promise<void>) => void,
): RangePlayback {
  let range: { start: number; end: number } | null = null
  const pending = new Subscriptions()

  function stopAtEnd(element: HTMLMediaElement): void {
    let frame = 0
    const tick = (): void => {
      const r = range
      if (!r || element.paused) return
      if (element.currentTime >= r.end) {
        if (loop.value) element.currentTime = r.start
        else {
          element.pause()
          return
        }
      }
      frame = requestAnimationFrame(tick)
    }
    frame = requestAnimationFrame(tick)
    pending.add(() => cancelAnimationFrame(frame))
  }

  return {
    play(element, start, end) {
      pending.release()
      const mine = { start, end }
      range = mine
      const go = (): void => {
        element.currentTime = start
        report(
          element.play().then(() => {
            if (range === mine) stopAtEnd(element)
          }),
        )
      }
      // A just-swapped recording first needs its metadata, or the seek is lost and it starts at 0.
      if (element.readyState >= HTMLMediaElement.HAVE_METADATA) go()
      else pending.listen(element, 'loadedmetadata', go, { once: true })
    },
    clear() {
      range = null
      pending.release()
    },
  }
}
