import type { WordTime } from '../../../shared/word-time'

/** Undo and redo for one utterance's editor state; typing bursts coalesce into one step. */
export interface EditorState {
  text: string
  spans: { start: number; end: number; lang: string }[]
  hypothesisId: number | null
  /**
   * Word times the annotator set by moving boundaries on the word tier (for the words of the
   * text as it was then), or null when they moved none.
   */
  wordTimes: WordTime[] | null
}

export class EditHistory {
  private past: EditorState[] = []
  private future: EditorState[] = []
  private lastPush = 0

  constructor(
    private present: EditorState,
    private readonly coalesceMs = 800,
    private readonly limit = 500,
  ) {}

  get state(): EditorState {
    return this.present
  }

  get canUndo(): boolean {
    return this.past.length > 0
  }

  get canRedo(): boolean {
    return this.future.length > 0
  }

  /**
   * Records a new state. `typing` edits within `coalesceMs` of each other are one step, so undo
   * takes back a word or a phrase, not a letter; any other change is a step of its own.
   */
  push(next: EditorState, typing: boolean, now = Date.now()): void {
    if (sameState(next, this.present)) return
    const coalesce = typing && now - this.lastPush < this.coalesceMs && this.past.length > 0
    if (!coalesce) {
      this.past.push(this.present)
      if (this.past.length > this.limit) this.past.shift()
    }
    this.present = next
    this.future = []
    this.lastPush = typing ? now : 0
  }

  undo(): EditorState | null {
    return this.step(this.past, this.future)
  }

  redo(): EditorState | null {
    return this.step(this.future, this.past)
  }

  /** Undo and redo are one move, mirrored: a state off one stack, the present onto the other. */
  private step(from: EditorState[], to: EditorState[]): EditorState | null {
    const state = from.pop()
    if (!state) return null
    to.push(this.present)
    this.present = state
    this.lastPush = 0
    return state
  }
}

function sameState(a: EditorState, b: EditorState): boolean {
  return (
    a.text === b.text &&
    a.hypothesisId === b.hypothesisId &&
    JSON.stringify(a.spans) === JSON.stringify(b.spans) &&
    JSON.stringify(a.wordTimes) === JSON.stringify(b.wordTimes)
  )
}
