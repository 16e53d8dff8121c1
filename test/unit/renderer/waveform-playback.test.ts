import { describe, expect, it } from 'vitest'
import {
  AUTOPLAY_BLOCKED,
  reportPlay,
} from '../../../src/renderer/src/composables/waveform-playback'

/** What the editor's "could not be played" line shows for the play() promise's outcomes. */
async function shown(task: Promise<void>): Promise<(string | null)[]> {
  const messages: (string | null)[] = []
  reportPlay(task, (message) => messages.push(message))
  await task.catch(() => undefined)
  await new Promise((resolve) => setTimeout(resolve, 0))
  return messages
}

describe('reporting playback', () => {
  it('says the browser held playback back until the page is used, not that the audio failed', async () => {
    const refused = new DOMException(
      'play() failed because the user did not interact',
      'NotAllowedError',
    )
    expect(await shown(Promise.reject(refused))).toEqual([null, AUTOPLAY_BLOCKED])
  })

  it('reports a refusal to play, with its reason: a missing file', async () => {
    expect(await shown(Promise.reject(new Error('no supported source')))).toEqual([
      null,
      'no supported source',
    ])
  })

  it('says nothing when playback was cut short by a pause or another load', async () => {
    const interrupted = new DOMException(
      'The play() request was interrupted by a call to pause().',
      'AbortError',
    )
    expect(await shown(Promise.reject(interrupted))).toEqual([null])
    expect(await shown(Promise.resolve())).toEqual([null])
  })
})
