/**
 * What correcting a hypothesis costs an annotator (docs/metrics.md, "The annotator's cost"):
 * the character edit distance from the text shown to the text saved, relative to the saved
 * text's length (typing from scratch costs 1), and an estimate of the keystrokes it takes.
 * Texts are compared as typed (case, spaces and punctuation count: the annotator types them).
 */
export interface EditCost {
  /** Levenshtein distance in characters (insertions, deletions, substitutions). */
  edits: number
  /** Characters of the saved text. */
  length: number
  /** edits ÷ length (0 when both are empty; typing from scratch is 1). */
  cost: number
  /** Estimated keystrokes to turn the shown text into the saved one (below). */
  keystrokes: number
  /** Keystrokes to type the saved text from scratch: its length. */
  typingKeystrokes: number
}

type Op = 'ok' | 'sub' | 'ins' | 'del'

/** Unit-cost edit operations turning `shown` into `saved`, in order. */
export function characterEdits(shown: string, saved: string): Op[] {
  const a = Array.from(shown)
  const b = Array.from(saved)
  const cols = b.length + 1
  const d = new Uint32Array((a.length + 1) * cols)
  for (let j = 0; j <= b.length; j++) d[j] = j
  for (let i = 1; i <= a.length; i++) {
    d[i * cols] = i
    for (let j = 1; j <= b.length; j++)
      d[i * cols + j] = Math.min(
        d[(i - 1) * cols + j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
      )
  }
  const ops: Op[] = []
  let i = a.length
  let j = b.length
  while (i > 0 || j > 0) {
    const here = d[i * cols + j]!
    if (i > 0 && j > 0 && here === d[(i - 1) * cols + j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)) {
      ops.push(a[i - 1] === b[j - 1] ? 'ok' : 'sub')
      i--
      j--
    } else if (i > 0 && here === d[(i - 1) * cols + j]! + 1) {
      ops.push('del')
      i--
    } else {
      ops.push('ins')
      j--
    }
  }
  return ops.reverse()
}

/**
 * The keystroke estimate: each run of changes costs one keystroke to put the cursor there, the
 * characters it removes one keystroke each but at most two (select, then delete), and every
 * character it types one.
 */
export function editCost(shown: string, saved: string): EditCost {
  const ops = characterEdits(shown, saved)
  let edits = 0
  let keystrokes = 0
  let removed = 0
  let typed = 0
  let inRun = false
  const closeRun = (): void => {
    if (inRun) keystrokes += 1 + Math.min(removed, 2) + typed
    inRun = false
    removed = 0
    typed = 0
  }
  for (const op of ops) {
    if (op === 'ok') {
      closeRun()
      continue
    }
    edits++
    inRun = true
    if (op !== 'ins') removed++
    if (op !== 'del') typed++
  }
  closeRun()
  const length = Array.from(saved).length
  return {
    edits,
    length,
    cost: length === 0 ? (edits === 0 ? 0 : 1) : edits / length,
    keystrokes,
    typingKeystrokes: length,
  }
}
