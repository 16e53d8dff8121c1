import type { ComputedRef } from 'vue'
import { ref } from 'vue'
import { toCallError } from '../api/client'
import type { Waveform } from './useWaveform'
import type { UtteranceSegment } from './waveform-view'
import { utteranceRegions } from './waveform-view'
import { useClient } from './useClient'
import { useErrorText } from './useErrorText'
import { useAnnotatorStore } from '../stores/annotator'
import { useEditorStore } from '../stores/editor'
import { splitTextAt, type ShadedWord } from '../transcript/text-model'

/**
 * Changing an utterance's audio: moving its edges, splitting it at the playhead (the text cut
 * by the word times), merging it with the next one. Each ends by reloading the utterance and
 * its recording's regions; errors are shown, never thrown at the keyboard handler.
 */
export function useStructureEdits(options: {
  wave: Waveform
  shaded: ComputedRef<ShadedWord[]>
  /** Utterances appeared or went (split, merge): the queue should take a new snapshot. */
  onChanged: () => void
}) {
  const client = useClient()
  const editor = useEditorStore()
  const annotator = useAnnotatorStore()
  const errorText = useErrorText()
  const { wave } = options
  const neighbours = ref<UtteranceSegment[]>([])
  const actionError = ref<string | null>(null)

  async function loadNeighbours(recordingId: number): Promise<void> {
    const page = await client.call('utterance.list', { recordingId, limit: 1000 })
    neighbours.value = page.items.map((u) => ({ id: u.id, startSec: u.startSec, endSec: u.endSec }))
  }

  async function guarded(task: () => Promise<void>): Promise<void> {
    actionError.value = null
    try {
      await task()
    } catch (caught) {
      actionError.value = errorText(toCallError(caught))
    }
  }

  /** The open utterance and its recording's regions, after its audio changed. */
  async function reshow(recordingId: number): Promise<void> {
    await editor.refresh()
    await loadNeighbours(recordingId)
    const d = editor.detail
    if (d) wave.show(d.recording.id, d.utterance, utteranceRegions(d.utterance, neighbours.value))
  }

  /** What a structural edit needs: the open utterance and who is editing. */
  function target() {
    const d = editor.detail
    const who = annotator.current
    return d && who ? { d, who } : null
  }

  async function moveEdges(startSec: number, endSec: number): Promise<void> {
    const t = target()
    if (!t) return
    await guarded(async () => {
      await client.call('utterance.setBounds', {
        id: t.d.utterance.id,
        actorId: t.who.id,
        startSec,
        endSec,
      })
    })
    await reshow(t.d.recording.id)
  }

  async function split(): Promise<void> {
    const t = target()
    if (!t) return
    const at = wave.time()
    await editor.flush()
    const [leftText, rightText] = splitTextAt(options.shaded.value, at)
    await guarded(async () => {
      await client.call('utterance.split', {
        id: t.d.utterance.id,
        actorId: t.who.id,
        baseRevisionId: editor.baseRevisionId,
        atSec: at,
        leftText,
        rightText,
      })
      await reshow(t.d.recording.id)
      options.onChanged()
    })
  }

  async function mergeNext(): Promise<void> {
    const t = target()
    const nextId = t?.d.nextId
    if (!t || !nextId) return
    await editor.flush()
    await guarded(async () => {
      const next = await client.call('utterance.get', { id: nextId })
      const nextText = next.head?.text ?? next.hypotheses.find((h) => !h.reference)?.text ?? ''
      await client.call('utterance.merge', {
        id: t.d.utterance.id,
        nextId: next.utterance.id,
        actorId: t.who.id,
        text: `${editor.state.text} ${nextText}`.trim(),
      })
      await reshow(t.d.recording.id)
      options.onChanged()
    })
  }

  return { neighbours, actionError, loadNeighbours, guarded, moveEdges, split, mergeNext }
}
