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
import { useProjectStore } from '../stores/project'
import { splitTextAt, type ShadedWord } from '../transcript/text-model'

/**
 * Changing an utterance's audio: moving its edges, splitting it at the playhead (the text cut
 * by the word times), merging it with the next one. Each ends by reloading the utterance and
 * its recording's regions, and, in a project a model has labelled, by asking for the changed
 * utterances' guesses for their new spans (the old ones no longer show); errors are shown,
 * never thrown at the keyboard handler.
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
  const project = useProjectStore()
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

  /**
   * Decodes the changed utterances again, the open one only when its span has no guess (an
   * edge moved back where it was finds the N-best of that span). Never in a project no model
   * labelled: there is no model to ask.
   */
  function decodeChanged(others: number[] = []): void {
    if (!project.info?.inference) return
    const open = editor.detail
    if (open && open.hypotheses.length === 0) editor.decodeSpan(open.utterance.id)
    for (const id of others) editor.decodeSpan(id)
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
    // Typing not saved yet is saved first: showing the reshaped utterance starts from the store.
    await editor.flush()
    let moved = false
    await guarded(async () => {
      await client.call('utterance.setBounds', {
        id: t.d.utterance.id,
        actorId: t.who.id,
        startSec,
        endSec,
      })
      moved = true
    })
    // Refused too: the region goes back to the edges the utterance kept.
    await reshow(t.d.recording.id)
    if (moved) decodeChanged()
  }

  async function split(): Promise<void> {
    const t = target()
    if (!t) return
    const at = wave.time()
    await editor.flush()
    const [leftText, rightText] = splitTextAt(options.shaded.value, at)
    await guarded(async () => {
      const halves = await client.call('utterance.split', {
        id: t.d.utterance.id,
        actorId: t.who.id,
        baseRevisionId: editor.baseRevisionId,
        atSec: at,
        leftText,
        rightText,
      })
      await reshow(t.d.recording.id)
      // The right half is new: its guess is ready when the annotator moves on to it.
      decodeChanged([halves.right.utterance.id])
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
      decodeChanged()
      options.onChanged()
    })
  }

  return { neighbours, actionError, loadNeighbours, guarded, moveEdges, split, mergeNext }
}
