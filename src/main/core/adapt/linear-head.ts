/**
 * Recovers a model's linear CTC head (logits = W·h + b over its hidden states) from pairs of
 * hidden states and logits, by least squares. A model package carries its head only inside
 * model.onnx; solving for it from the model's own outputs works for any exporter and checks
 * itself: if the head is not linear in hidden_states, the residual says so and it is not used.
 */
export interface LinearHead {
  dim: number
  vocab: number
  /** [vocab × dim], row-major (torch.nn.Linear's layout). */
  weight: Float32Array
  bias: Float32Array
  /** Largest |predicted − actual| logit (each centred per frame) over the frames used, relative to their range. */
  relativeResidual: number
  frames: number
}

/** Accumulates the normal equations of [h, 1] → logits over frames. */
export class LinearHeadFit {
  private readonly a: Float64Array
  private readonly b: Float64Array
  private readonly samples: { h: Float32Array; l: Float32Array }[] = []
  private frames = 0

  constructor(
    readonly dim: number,
    readonly vocab: number,
  ) {
    this.a = new Float64Array((dim + 1) * (dim + 1))
    this.b = new Float64Array((dim + 1) * vocab)
  }

  /** Adds frames × dim hidden states and their frames × vocab raw logits. */
  add(hidden: Float32Array, logits: Float32Array, frames: number): void {
    const n = this.dim + 1
    const x = new Float64Array(n)
    for (let t = 0; t < frames; t++) {
      for (let i = 0; i < this.dim; i++) x[i] = hidden[t * this.dim + i]!
      x[this.dim] = 1
      for (let i = 0; i < n; i++) {
        const xi = x[i]!
        for (let j = i; j < n; j++) this.a[i * n + j]! += xi * x[j]!
        for (let v = 0; v < this.vocab; v++)
          this.b[i * this.vocab + v]! += xi * logits[t * this.vocab + v]!
      }
    }
    this.frames += frames
    // A few frames kept to measure the fit.
    if (this.samples.length < 8)
      this.samples.push({
        h: hidden.slice(0, this.dim * Math.min(frames, 50)),
        l: logits.slice(0, this.vocab * Math.min(frames, 50)),
      })
  }

  /** Solves by Cholesky (with a tiny ridge for stability); null with too few frames. */
  solve(): LinearHead | null {
    const n = this.dim + 1
    if (this.frames < 2 * n) return null
    const a = Float64Array.from(this.a)
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i]!
    let trace = 0
    for (let i = 0; i < n; i++) trace += a[i * n + i]!
    for (let i = 0; i < n; i++) a[i * n + i]! += (1e-9 * trace) / n
    // Cholesky: a = L Lᵀ, L stored in the lower triangle.
    for (let j = 0; j < n; j++) {
      let d = a[j * n + j]!
      for (let k = 0; k < j; k++) d -= a[j * n + k]! ** 2
      if (!(d > 0)) return null
      const l = Math.sqrt(d)
      a[j * n + j] = l
      for (let i = j + 1; i < n; i++) {
        let s = a[i * n + j]!
        for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!
        a[i * n + j] = s / l
      }
    }
    const x = Float64Array.from(this.b)
    const V = this.vocab
    // Forward then backward substitution, all right-hand sides at once.
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < i; k++) {
        const f = a[i * n + k]!
        for (let v = 0; v < V; v++) x[i * V + v]! -= f * x[k * V + v]!
      }
      for (let v = 0; v < V; v++) x[i * V + v]! /= a[i * n + i]!
    }
    for (let i = n - 1; i >= 0; i--) {
      for (let k = i + 1; k < n; k++) {
        const f = a[k * n + i]!
        for (let v = 0; v < V; v++) x[i * V + v]! -= f * x[k * V + v]!
      }
      for (let v = 0; v < V; v++) x[i * V + v]! /= a[i * n + i]!
    }
    const weight = new Float32Array(V * this.dim)
    const bias = new Float32Array(V)
    for (let v = 0; v < V; v++) {
      for (let i = 0; i < this.dim; i++) weight[v * this.dim + i] = x[i * V + v]!
      bias[v] = x[this.dim * V + v]!
    }
    // Measured on logits centred per frame: a head whose output is log-softmax (NeMo's
    // logprobs) differs from its linear part by one value per frame, which softmax ignores, and
    // least squares already returns that linear part up to a shift common to all tokens.
    let worst = 0
    let low = Number.POSITIVE_INFINITY
    let high = Number.NEGATIVE_INFINITY
    const predicted = new Float64Array(V)
    for (const { h, l } of this.samples) {
      const frames = h.length / this.dim
      for (let t = 0; t < frames; t++) {
        let meanPredicted = 0
        let meanActual = 0
        for (let v = 0; v < V; v++) {
          let y = bias[v]!
          for (let i = 0; i < this.dim; i++) y += weight[v * this.dim + i]! * h[t * this.dim + i]!
          predicted[v] = y
          meanPredicted += y / V
          meanActual += l[t * V + v]! / V
        }
        for (let v = 0; v < V; v++) {
          const actual = l[t * V + v]! - meanActual
          worst = Math.max(worst, Math.abs(predicted[v]! - meanPredicted - actual))
          low = Math.min(low, actual)
          high = Math.max(high, actual)
        }
      }
    }
    return {
      dim: this.dim,
      vocab: V,
      weight,
      bias,
      relativeResidual: worst / Math.max(1e-9, high - low),
      frames: this.frames,
    }
  }
}
