import type { Ref, ShallowRef } from 'vue'
import type { UtteranceDetail } from '../../../shared/domain'
import type { useClient } from '../composables/useClient'
import type { EditorState } from '../transcript/edit-history'
import { useAnnotatorStore } from './annotator'
import { useProjectStore } from './project'
import { useUnsavedEditsStore } from './unsaved-edits'

export interface UnsavedDeps {
  client: ReturnType<typeof useClient>
  detail: ShallowRef<UtteranceDetail | null>
  state: Ref<EditorState>
  baseRevisionId: Ref<number | null>
  /** Puts an edit back into the editor, on the revision it started from, and saves it again. */
  reopen: (state: EditorState, baseRevisionId: number | null) => void
}

export interface EditorUnsaved {
  remember: () => void
  acknowledge: (utteranceId: number, text: string) => void
  forget: (utteranceId: number) => void
  restoreUnsaved: (id: number) => Promise<void>
  replayUnsaved: () => Promise<void>
}

/**
 * The editor's edits that the server has not acknowledged, kept in IndexedDB (the editor store
 * uses this; docs/ARCHITECTURE.md, "Edits the server has not acknowledged").
 */
export function editorUnsaved(deps: UnsavedDeps): EditorUnsaved {
  const annotator = useAnnotatorStore()
  const project = useProjectStore()
  const unsaved = useUnsavedEditsStore()

  /** Where this browser keeps unsaved edits of the open project: its data folder and id. */
  function scope(): string | null {
    const info = project.info
    return info ? `${info.dataDir}\n${info.project.id}` : null
  }

  /** Keeps the editor as it is now in IndexedDB until the server acknowledges it. */
  function remember(): void {
    const where = scope()
    const open = deps.detail.value
    const who = annotator.current
    if (!where || !open || !who) return
    const state = deps.state.value
    void unsaved
      .put({
        scope: where,
        utteranceId: open.utterance.id,
        actorId: who.id,
        baseRevisionId: deps.baseRevisionId.value,
        text: state.text,
        spans: [...state.spans],
        hypothesisId: state.hypothesisId,
        changedAt: Date.now(),
      })
      .catch(() => undefined)
  }

  /** The server acknowledged this text of an utterance: the browser's copy is no longer needed. */
  function acknowledge(utteranceId: number, text: string): void {
    const where = scope()
    if (where) void unsaved.acknowledge(where, utteranceId, text).catch(() => undefined)
  }

  /** The annotator took the other window's text: this browser's copy is dropped. */
  function forget(utteranceId: number): void {
    const where = scope()
    if (where) void unsaved.forget(where, utteranceId).catch(() => undefined)
  }

  /**
   * An edit of this utterance that the server never acknowledged (the tab was closed, the server
   * restarted): it comes back into the editor and is saved again, on the revision it started
   * from, so anything saved since meets the conflict dialog instead of being overwritten.
   */
  async function restoreUnsaved(id: number): Promise<void> {
    const where = scope()
    const who = annotator.current
    const edit = where ? await unsaved.get(where, id).catch(() => null) : null
    if (!edit || !who || edit.actorId !== who.id || deps.detail.value?.utterance.id !== id) return
    if (edit.text === deps.state.value.text) {
      await unsaved.acknowledge(edit.scope, id, edit.text)
      return
    }
    deps.reopen(
      { text: edit.text, spans: edit.spans, hypothesisId: edit.hypothesisId, wordTimes: null },
      edit.baseRevisionId,
    )
  }

  /**
   * Saves, as drafts, the unsaved edits this browser holds for utterances that are not open
   * (typed before the server went away, then left). Those that meet a conflict wait for their
   * utterance to be opened.
   */
  async function replayUnsaved(): Promise<void> {
    const where = scope()
    if (!where) return
    for (const edit of await unsaved.all(where).catch(() => [])) {
      if (edit.utteranceId === deps.detail.value?.utterance.id) continue
      try {
        await deps.client.call('utterance.save', {
          id: edit.utteranceId,
          actorId: edit.actorId,
          baseRevisionId: edit.baseRevisionId,
          hypothesisId: edit.hypothesisId,
          text: edit.text,
          spans: edit.spans,
          draft: true,
        })
        await unsaved.acknowledge(where, edit.utteranceId, edit.text)
      } catch {
        // Kept: the server is still away, or the editor will show the conflict.
      }
    }
  }

  return { remember, acknowledge, forget, restoreUnsaved, replayUnsaved }
}
