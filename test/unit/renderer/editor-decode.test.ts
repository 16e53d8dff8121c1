import { describe, expect, it } from 'vitest'
import { shallowRef } from 'vue'
import { CallError } from '../../../src/renderer/src/api/call-error'
import { editorDecode } from '../../../src/renderer/src/stores/editor-decode'
import type { EditorFetch } from '../../../src/renderer/src/stores/editor-fetch'
import type { Hypothesis, UtteranceDetail } from '../../../src/shared/domain'

/** An utterance as the editor holds it: only what the decode reads and writes matters here. */
function utterance(id: number, endSec: number, hypotheses: Hypothesis[] = []): UtteranceDetail {
  return {
    utterance: { id, startSec: 1, endSec, status: 'new', confidence: null },
    hypotheses,
    head: null,
    wordTier: null,
    start: null,
  } as unknown as UtteranceDetail
}

const guess = (id: number, text: string): Hypothesis =>
  ({ id, rank: 1, text, confidence: 0.8, wordTimes: [], reference: null }) as unknown as Hypothesis

/** A server whose answers the test releases one by one. */
function server() {
  const asked: { id: number; answer: (d: UtteranceDetail) => void; fail: (e: Error) => void }[] = []
  const fetcher = {
    decode: (id: number) =>
      new Promise<UtteranceDetail>((answer, fail) => asked.push({ id, answer, fail })),
  } as unknown as EditorFetch
  return { asked, fetcher }
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

function setup(open: UtteranceDetail, untouched = true) {
  const { asked, fetcher } = server()
  const detail = shallowRef<UtteranceDetail | null>(open)
  const reshown: UtteranceDetail[] = []
  const decoder = editorDecode({
    fetcher,
    detail,
    untouched: () => untouched,
    reshow: (next) => {
      reshown.push(next)
      detail.value = next
      decoder.shown()
    },
  })
  return { asked, detail, reshown, decoder }
}

describe("the editor's guess for a new span", () => {
  it('says it is decoding, then starts an untouched field from the guess', async () => {
    const { asked, detail, reshown, decoder } = setup(utterance(7, 3))
    decoder.decode(7)
    expect(decoder.status.value).toEqual({ state: 'decoding' })
    asked[0]!.answer({ ...utterance(7, 3, [guess(70, 'habari')]), start: null })
    await settle()
    expect(decoder.status.value).toBeNull()
    expect(reshown).toHaveLength(1)
    expect(detail.value?.hypotheses.map((h) => h.text)).toEqual(['habari'])
    expect(detail.value?.utterance.confidence).toBeNull()
  })

  it('keeps what the annotator typed meanwhile and only adds the guess', async () => {
    const { asked, detail, reshown, decoder } = setup(utterance(7, 3), false)
    decoder.decode(7)
    const fresh = utterance(7, 3, [guess(70, 'habari')])
    asked[0]!.answer({ ...fresh, utterance: { ...fresh.utterance, confidence: 0.8 } })
    await settle()
    expect(reshown).toHaveLength(0)
    expect(detail.value?.hypotheses.map((h) => h.id)).toEqual([70])
    expect(detail.value?.utterance.confidence).toBe(0.8)
  })

  it('drops an answer for a span the editor no longer shows, or for an older ask', async () => {
    const { asked, detail, decoder } = setup(utterance(7, 3))
    decoder.decode(7)
    // The edge moved again: the editor shows the new span and asks for it.
    detail.value = utterance(7, 2.5)
    decoder.shown()
    decoder.decode(7)
    // The server had the second span already when the first ask was answered, and the
    // second answer comes later: only the second ask's answer is shown.
    asked[0]!.answer(utterance(7, 2.5, [guess(71, 'old ask')]))
    await settle()
    expect(detail.value?.hypotheses).toEqual([])
    expect(decoder.status.value).toEqual({ state: 'decoding' })
    asked[1]!.answer(utterance(7, 2.5, [guess(72, 'new span')]))
    await settle()
    expect(detail.value?.hypotheses.map((h) => h.id)).toEqual([72])

    // An answer read for another span than the one shown is not this span's guess.
    const other = setup(utterance(8, 3))
    other.decoder.decode(8)
    other.asked[0]!.answer(utterance(8, 3.4, [guess(80, 'wider')]))
    await settle()
    expect(other.detail.value?.hypotheses).toEqual([])
    expect(other.decoder.status.value).toBeNull()
  })

  it('shows the guess of an utterance left while decoding when it is opened again', async () => {
    const { asked, detail, decoder } = setup(utterance(7, 3))
    decoder.decode(7)
    detail.value = utterance(9, 4)
    decoder.shown()
    expect(decoder.status.value).toBeNull()
    // Back on it before the answer: it waits for the same decode.
    detail.value = utterance(7, 3)
    decoder.shown()
    expect(decoder.status.value).toEqual({ state: 'decoding' })
    asked[0]!.answer(utterance(7, 3, [guess(70, 'habari')]))
    await settle()
    expect(detail.value?.hypotheses.map((h) => h.id)).toEqual([70])
  })

  it('says why the guess could not be decoded', async () => {
    const { asked, decoder } = setup(utterance(7, 3))
    decoder.decode(7)
    asked[0]!.fail(new CallError('unavailable', 'the inference worker stopped'))
    await settle()
    expect(decoder.status.value).toMatchObject({
      state: 'failed',
      error: { message: 'the inference worker stopped' },
    })
  })
})
