/**
 * The trainable part of in-app adaptation, on top of a frozen encoder's hidden states x [T × dim]:
 *
 *   adapter:  h = x + W_up · relu(W_down · LayerNorm(x) + b_down) + b_up     (bottleneck > 0)
 *             h = x                                                          (bottleneck = 0)
 *   head:     logits = W_head · h + b_head                                   [T × vocab]
 *
 * All parameters live in one flat array (`data`) in the order of `parameterLayout`, each tensor
 * row-major with weights stored [out × in] as torch.nn.Linear stores them, so the optimiser, the
 * checkpoint file and PyTorch references all see the same layout. Formulas: docs/training.md.
 */
import { logSoftmax, type Posteriors } from '../asr/ctc'
import {
  layerNormBackward,
  layerNormForward,
  linearBackward,
  linearForward,
  type FloatArray,
} from './kernels'
import { seededRandom } from './random'

/** The adapter width measured best for time and CER on the starter model (docs/training.md). */
export const DEFAULT_BOTTLENECK = 64

export interface AdapterHeadShape {
  /** Width of the encoder's hidden states (192 for the starter model). */
  dim: number
  /** Adapter width; 0 means no adapter (head only). */
  bottleneck: number
  /** Output labels, blank included. */
  vocab: number
}

export interface AdapterHeadParams {
  shape: AdapterHeadShape
  /** Every tensor, in parameterLayout order; Float32Array except in float64 gradient checks. */
  data: FloatArray
}

export type TensorName =
  | 'adapter.norm.weight'
  | 'adapter.norm.bias'
  | 'adapter.down.weight'
  | 'adapter.down.bias'
  | 'adapter.up.weight'
  | 'adapter.up.bias'
  | 'head.weight'
  | 'head.bias'

export interface TensorSpec {
  name: TensorName
  dims: number[]
  /** In elements, from the start of `data`. */
  offset: number
  length: number
  /** Weight decay applies to the projection matrices only, not to LayerNorm or biases. */
  decay: boolean
}

export function checkShape(shape: AdapterHeadShape): void {
  const ok = (n: number, min: number): boolean => Number.isInteger(n) && n >= min
  if (!ok(shape.dim, 1) || !ok(shape.bottleneck, 0) || !ok(shape.vocab, 2))
    throw new RangeError(`adapter-head: bad shape ${JSON.stringify(shape)}`)
}

/** The tensors of a shape, in storage order: the adapter's (if any), then the head's. */
export function parameterLayout(shape: AdapterHeadShape): TensorSpec[] {
  checkShape(shape)
  const { dim, bottleneck, vocab } = shape
  const entries: [TensorName, number[], boolean][] = []
  if (bottleneck > 0)
    entries.push(
      ['adapter.norm.weight', [dim], false],
      ['adapter.norm.bias', [dim], false],
      ['adapter.down.weight', [bottleneck, dim], true],
      ['adapter.down.bias', [bottleneck], false],
      ['adapter.up.weight', [dim, bottleneck], true],
      ['adapter.up.bias', [dim], false],
    )
  entries.push(['head.weight', [vocab, dim], true], ['head.bias', [vocab], false])
  let offset = 0
  return entries.map(([name, dims, decay]) => {
    const length = dims.reduce((a, b) => a * b, 1)
    const spec = { name, dims, offset, length, decay }
    offset += length
    return spec
  })
}

export function parameterCount(shape: AdapterHeadShape): number {
  const layout = parameterLayout(shape)
  const last = layout[layout.length - 1]!
  return last.offset + last.length
}

/** Where the head's tensors start in `data` (they are last, so the adapter is a prefix). */
export function headOffset(shape: AdapterHeadShape): number {
  return parameterLayout(shape).find((t) => t.name === 'head.weight')!.offset
}

/** 1 where AdamW applies weight decay (see TensorSpec.decay). */
export function decayMask(shape: AdapterHeadShape): Uint8Array {
  const mask = new Uint8Array(parameterCount(shape))
  for (const t of parameterLayout(shape)) if (t.decay) mask.fill(1, t.offset, t.offset + t.length)
  return mask
}

/** Named views into an array laid out like `data` (parameters, their gradients, or a mask of them). */
export function tensorViews<A extends FloatArray | Uint8Array>(
  shape: AdapterHeadShape,
  data: A,
): Partial<Record<TensorName, A>> {
  const views: Partial<Record<TensorName, A>> = {}
  for (const t of parameterLayout(shape))
    views[t.name] = data.subarray(t.offset, t.offset + t.length) as A
  return views
}

/**
 * Fresh parameters: LayerNorm identity, down-projection He-normal (it feeds a ReLU), the
 * up-projection and its bias zero so a new adapter is exactly the identity and training starts
 * from the encoder's own features, and the head Xavier-uniform with zero bias.
 */
export function initParams(shape: AdapterHeadShape, seed: number): AdapterHeadParams {
  const data = new Float32Array(parameterCount(shape))
  const random = seededRandom(seed)
  const v = tensorViews(shape, data)
  v['adapter.norm.weight']?.fill(1)
  const down = v['adapter.down.weight']
  if (down) {
    const std = Math.sqrt(2 / shape.dim)
    for (let i = 0; i < down.length; i++) down[i] = random.normal() * std
  }
  const head = v['head.weight']!
  const limit = Math.sqrt(6 / (shape.dim + shape.vocab))
  for (let i = 0; i < head.length; i++) head[i] = (2 * random.next() - 1) * limit
  return { shape: { ...shape }, data }
}

/** What the backward pass needs from the forward pass, for `frames` rows. */
export interface Activations {
  frames: number
  input: FloatArray
  /** LayerNorm's normalised input and reciprocal deviations (adapter only). */
  normed: Float64Array | null
  rstd: Float64Array | null
  /** LayerNorm's output, the down-projection's input (adapter only). */
  normOut: Float64Array | null
  /** Bottleneck after ReLU (adapter only). */
  hiddenAct: Float64Array | null
  /** The head's input: the adapter's output, or the input itself without an adapter. */
  adapted: FloatArray
  logits: Float64Array
}

function checkInput(params: AdapterHeadParams, hidden: FloatArray, frames: number): void {
  if (params.data.length !== parameterCount(params.shape))
    throw new RangeError('adapter-head: parameter array does not match its shape')
  if (hidden.length < frames * params.shape.dim)
    throw new RangeError(`adapter-head: ${hidden.length} values for ${frames} frames`)
}

/** The adapter alone: h = x + up(relu(down(LayerNorm(x)))), or x itself without an adapter. */
function adapterForward(
  params: AdapterHeadParams,
  hidden: FloatArray,
  frames: number,
): Omit<Activations, 'logits'> {
  const { dim, bottleneck } = params.shape
  if (bottleneck === 0)
    return {
      frames,
      input: hidden,
      normed: null,
      rstd: null,
      normOut: null,
      hiddenAct: null,
      adapted: hidden,
    }
  const v = tensorViews(params.shape, params.data)
  const normed = new Float64Array(frames * dim)
  const rstd = new Float64Array(frames)
  const normOut = new Float64Array(frames * dim)
  layerNormForward(
    hidden,
    frames,
    dim,
    v['adapter.norm.weight']!,
    v['adapter.norm.bias']!,
    normed,
    rstd,
    normOut,
  )
  const hiddenAct = new Float64Array(frames * bottleneck)
  linearForward(
    normOut,
    frames,
    dim,
    v['adapter.down.weight']!,
    v['adapter.down.bias']!,
    bottleneck,
    hiddenAct,
  )
  for (let i = 0; i < hiddenAct.length; i++) if (hiddenAct[i]! < 0) hiddenAct[i] = 0
  const adapted = new Float64Array(frames * dim)
  linearForward(
    hiddenAct,
    frames,
    bottleneck,
    v['adapter.up.weight']!,
    v['adapter.up.bias']!,
    dim,
    adapted,
  )
  for (let i = 0; i < adapted.length; i++) adapted[i] = adapted[i]! + hidden[i]!
  return { frames, input: hidden, normed, rstd, normOut, hiddenAct, adapted }
}

/** Forward pass keeping what backward needs. `hidden` may hold several utterances' frames. */
export function forwardWithActivations(
  params: AdapterHeadParams,
  hidden: FloatArray,
  frames: number,
): Activations {
  checkInput(params, hidden, frames)
  const { dim, vocab } = params.shape
  const partial = adapterForward(params, hidden, frames)
  const v = tensorViews(params.shape, params.data)
  const logits = new Float64Array(frames * vocab)
  linearForward(partial.adapted, frames, dim, v['head.weight']!, v['head.bias']!, vocab, logits)
  return { ...partial, logits }
}

/** Logits [frames × vocab] for hidden states [frames × dim]. */
export function forward(
  params: AdapterHeadParams,
  hidden: FloatArray,
  frames: number,
): Float64Array {
  return forwardWithActivations(params, hidden, frames).logits
}

/** The adapter's output (the head's input), e.g. to train a head over a frozen adapter. */
export function applyAdapter(
  params: AdapterHeadParams,
  hidden: FloatArray,
  frames: number,
): FloatArray {
  checkInput(params, hidden, frames)
  return adapterForward(params, hidden, frames).adapted
}

/** Per-frame log-posteriors for the decoders in asr/ctc.ts (greedy) and asr/beam-search.ts. */
export function posteriors(
  params: AdapterHeadParams,
  hidden: FloatArray,
  frames: number,
): Posteriors {
  const logits = forward(params, hidden, frames)
  return logSoftmax(Float32Array.from(logits), frames, params.shape.vocab)
}

export interface BackwardOptions {
  /** Compute the adapter's gradients (false: a frozen adapter, head only). Default true. */
  adapter?: boolean
  /** Also return ∂loss/∂hidden (for gradient checks). Default false. */
  input?: boolean
}

/**
 * Backward pass: adds ∂loss/∂parameters into `grads` (laid out like `params.data`), so a batch's
 * gradients accumulate across calls; `gradLogits` is ∂loss/∂logits for the same frames.
 * Returns ∂loss/∂hidden when options.input is set, otherwise null.
 */
export function backward(
  params: AdapterHeadParams,
  acts: Activations,
  gradLogits: FloatArray,
  grads: FloatArray,
  options: BackwardOptions = {},
): Float64Array | null {
  const { dim, bottleneck, vocab } = params.shape
  const frames = acts.frames
  if (grads.length !== params.data.length)
    throw new RangeError('adapter-head: gradient array does not match the parameters')
  const v = tensorViews(params.shape, params.data)
  const g = tensorViews(params.shape, grads)
  const withAdapter = bottleneck > 0 && options.adapter !== false
  const needAdapted = withAdapter || options.input === true
  const dAdapted = needAdapted ? new Float64Array(frames * dim) : null
  linearBackward(
    gradLogits,
    frames,
    vocab,
    acts.adapted,
    dim,
    v['head.weight']!,
    g['head.weight']!,
    g['head.bias']!,
    dAdapted,
  )
  if (!dAdapted) return null
  if (bottleneck === 0) return options.input ? dAdapted : null
  // The residual path passes dAdapted straight through to the input.
  const dInput = options.input ? Float64Array.from(dAdapted) : null
  const dAct = new Float64Array(frames * bottleneck)
  linearBackward(
    dAdapted,
    frames,
    dim,
    acts.hiddenAct!,
    bottleneck,
    v['adapter.up.weight']!,
    withAdapter ? g['adapter.up.weight']! : null,
    withAdapter ? g['adapter.up.bias']! : null,
    dAct,
  )
  const act = acts.hiddenAct!
  for (let i = 0; i < dAct.length; i++) if (act[i]! <= 0) dAct[i] = 0
  const needLnGrad = withAdapter || dInput !== null
  const dLnOut = needLnGrad ? new Float64Array(frames * dim) : null
  linearBackward(
    dAct,
    frames,
    bottleneck,
    acts.normOut!,
    dim,
    v['adapter.down.weight']!,
    withAdapter ? g['adapter.down.weight']! : null,
    withAdapter ? g['adapter.down.bias']! : null,
    dLnOut,
  )
  if (dLnOut)
    layerNormBackward(
      dLnOut,
      frames,
      dim,
      acts.normed!,
      acts.rstd!,
      v['adapter.norm.weight']!,
      withAdapter ? g['adapter.norm.weight']! : null,
      withAdapter ? g['adapter.norm.bias']! : null,
      dInput,
    )
  return dInput
}
