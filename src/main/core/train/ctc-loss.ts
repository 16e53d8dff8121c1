/**
 * CTC loss (Graves et al., 2006) for one utterance, with its gradient with respect to the logits.
 * The forward–backward recursions run in log space over the target extended with blanks
 * (blank, l1, blank, l2, …, blank). Arithmetic is float64 throughout, log-softmax included: the
 * gradient is a difference of two probabilities, and float32 log-probabilities would cost it
 * digits that the reference and finite-difference tests (test/unit/train) check.
 */
import { logAddExp, logSoftmaxInto } from '../asr/ctc'
import type { FloatArray } from './kernels'

export interface CtcLossResult {
  /** −log P(targets | logits) in nats; Infinity when no alignment fits in the frames. */
  loss: number
  /**
   * ∂loss/∂logits, [frames × vocab] row-major: softmax − posterior occupancy of each label.
   * All zeros when loss is Infinity (PyTorch's zero_infinity=True): an utterance whose text
   * cannot fit its frames has no useful direction, and the trainer leaves it out and counts it.
   */
  grad: Float64Array
}

/**
 * The fewest frames that can carry the targets: one per label, plus a blank between each pair of
 * equal neighbours (CTC would otherwise merge them).
 */
export function minimumFrames(targets: readonly number[]): number {
  let frames = targets.length
  for (let i = 1; i < targets.length; i++) if (targets[i] === targets[i - 1]) frames++
  return frames
}

/** Row-wise log-softmax in float64. */
export function logSoftmax64(logits: FloatArray, frames: number, vocab: number): Float64Array {
  return logSoftmaxInto(logits, frames, vocab, new Float64Array(frames * vocab))
}

function checkInputs(
  logits: FloatArray,
  frames: number,
  vocab: number,
  targets: readonly number[],
  blank: number,
): void {
  if (logits.length < frames * vocab)
    throw new RangeError(`ctc: ${logits.length} logits for ${frames} frames × ${vocab} labels`)
  if (!(blank >= 0 && blank < vocab)) throw new RangeError(`ctc: blank ${blank} outside the vocab`)
  for (const label of targets)
    if (!Number.isInteger(label) || label < 0 || label >= vocab || label === blank)
      throw new RangeError(`ctc: target label ${label} is blank or outside the vocabulary`)
}

/** Extended target: blank, l1, blank, l2, …, blank (2L + 1 states). */
function extend(targets: readonly number[], blank: number): Int32Array {
  const ext = new Int32Array(2 * targets.length + 1).fill(blank)
  for (let i = 0; i < targets.length; i++) ext[2 * i + 1] = targets[i]!
  return ext
}

/**
 * log(e^a + e^b + e^c) with one logarithm (logAddExp twice would take two); −Infinity stands
 * for a missing term. This is the inner step of both recursions, so it is worth the copy.
 */
function logSumExp3(a: number, b: number, c: number): number {
  const max = Math.max(a, b, c)
  if (max === Number.NEGATIVE_INFINITY) return max
  return max + Math.log(Math.exp(a - max) + Math.exp(b - max) + Math.exp(c - max))
}

/** Whether state s may be entered by skipping the blank before it (from s − 2). */
function canSkip(ext: Int32Array, s: number, blank: number): boolean {
  return s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2]
}

/** alpha[t, s]: log-probability of all paths through frame t that end in state s. */
function forwardVariables(logp: Float64Array, frames: number, vocab: number, ext: Int32Array) {
  const states = ext.length
  const blank = ext[0]!
  const alpha = new Float64Array(frames * states).fill(Number.NEGATIVE_INFINITY)
  alpha[0] = logp[blank]!
  if (states > 1) alpha[1] = logp[ext[1]!]!
  for (let t = 1; t < frames; t++) {
    const prev = (t - 1) * states
    const here = t * states
    const row = t * vocab
    // States before `first` cannot reach the end in the frames left; after `last`, cannot be
    // reached yet. Outside the band alpha stays −Infinity.
    const first = Math.max(0, states - 2 * (frames - t))
    const last = Math.min(states - 1, 2 * t + 1)
    for (let s = first; s <= last; s++) {
      const a = logSumExp3(
        alpha[prev + s]!,
        s >= 1 ? alpha[prev + s - 1]! : Number.NEGATIVE_INFINITY,
        canSkip(ext, s, blank) ? alpha[prev + s - 2]! : Number.NEGATIVE_INFINITY,
      )
      if (a !== Number.NEGATIVE_INFINITY) alpha[here + s] = a + logp[row + ext[s]!]!
    }
  }
  const last = (frames - 1) * states
  const logLikelihood =
    states > 1
      ? logAddExp(alpha[last + states - 1]!, alpha[last + states - 2]!)
      : alpha[last + states - 1]!
  return { alpha, logLikelihood }
}

/**
 * beta[t, s]: log-probability of emitting frames t+1 … T−1 and finishing, given state s at
 * frame t (frame t's own emission excluded, so alpha · beta is the occupancy without a division).
 */
function backwardVariables(logp: Float64Array, frames: number, vocab: number, ext: Int32Array) {
  const states = ext.length
  const blank = ext[0]!
  const beta = new Float64Array(frames * states).fill(Number.NEGATIVE_INFINITY)
  const last = (frames - 1) * states
  beta[last + states - 1] = 0
  if (states > 1) beta[last + states - 2] = 0
  for (let t = frames - 2; t >= 0; t--) {
    const here = t * states
    const next = (t + 1) * states
    const row = (t + 1) * vocab
    // The mirror of the forward band: only states that can still finish, and reached by then.
    const first = Math.max(0, states - 2 * (frames - t))
    const last = Math.min(states - 1, 2 * t + 1)
    for (let s = first; s <= last; s++) {
      beta[here + s] = logSumExp3(
        beta[next + s]! + logp[row + ext[s]!]!,
        s + 1 < states ? beta[next + s + 1]! + logp[row + ext[s + 1]!]! : Number.NEGATIVE_INFINITY,
        s + 2 < states && canSkip(ext, s + 2, blank)
          ? beta[next + s + 2]! + logp[row + ext[s + 2]!]!
          : Number.NEGATIVE_INFINITY,
      )
    }
  }
  return beta
}

/** The loss alone (no backward pass), for dev-set evaluation. */
export function ctcNegLogLikelihood(
  logits: FloatArray,
  frames: number,
  vocab: number,
  targets: readonly number[],
  blank: number,
): number {
  checkInputs(logits, frames, vocab, targets, blank)
  if (frames < minimumFrames(targets)) return Number.POSITIVE_INFINITY
  if (frames === 0) return 0
  const logp = logSoftmax64(logits, frames, vocab)
  return -forwardVariables(logp, frames, vocab, extend(targets, blank)).logLikelihood
}

/** The loss and its gradient with respect to the logits (see CtcLossResult). */
export function ctcLoss(
  logits: FloatArray,
  frames: number,
  vocab: number,
  targets: readonly number[],
  blank: number,
): CtcLossResult {
  checkInputs(logits, frames, vocab, targets, blank)
  const grad = new Float64Array(frames * vocab)
  if (frames < minimumFrames(targets)) return { loss: Number.POSITIVE_INFINITY, grad }
  if (frames === 0) return { loss: 0, grad }
  const logp = logSoftmax64(logits, frames, vocab)
  const ext = extend(targets, blank)
  const { alpha, logLikelihood } = forwardVariables(logp, frames, vocab, ext)
  if (!Number.isFinite(logLikelihood)) return { loss: Number.POSITIVE_INFINITY, grad }
  const beta = backwardVariables(logp, frames, vocab, ext)
  const states = ext.length
  for (let t = 0; t < frames; t++) {
    const row = t * vocab
    for (let v = 0; v < vocab; v++) grad[row + v] = Math.exp(logp[row + v]!)
    for (let s = 0; s < states; s++) {
      const a = alpha[t * states + s]!
      if (a === Number.NEGATIVE_INFINITY) continue
      const occupancy = Math.exp(a + beta[t * states + s]! - logLikelihood)
      grad[row + ext[s]!] = grad[row + ext[s]!]! - occupancy
    }
  }
  return { loss: -logLikelihood, grad }
}
