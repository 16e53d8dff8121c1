/**
 * Dense kernels for the adapter and head: row-major matrices in typed arrays, weights stored
 * [out × in] as torch.nn.Linear stores them. With that layout every inner loop walks two
 * contiguous rows (a frame and a weight row), which keeps them in cache, and nothing is allocated
 * per element. Accumulation is in float64 (JavaScript numbers) whatever the storage type.
 */
export type FloatArray = Float32Array | Float64Array

/**
 * y[r, o] = b[o] + Σ_i x[r, i] · w[o, i], for rows × outDim outputs written into y.
 * Blocks of 4 rows × 2 outputs: each loaded weight serves four rows and each loaded input two
 * outputs, with eight independent sums (about 2–3× a plain dot-product loop in V8).
 */
export function linearForward(
  x: FloatArray,
  rows: number,
  inDim: number,
  w: FloatArray,
  b: FloatArray,
  outDim: number,
  y: FloatArray,
): void {
  let r = 0
  for (; r + 3 < rows; r += 4) {
    const x0 = r * inDim
    const x1 = x0 + inDim
    const x2 = x1 + inDim
    const x3 = x2 + inDim
    const y0 = r * outDim
    let o = 0
    for (; o + 1 < outDim; o += 2) {
      const wa = o * inDim
      const wb = wa + inDim
      let a0 = 0
      let a1 = 0
      let a2 = 0
      let a3 = 0
      let b0 = 0
      let b1 = 0
      let b2 = 0
      let b3 = 0
      for (let i = 0; i < inDim; i++) {
        const va = w[wa + i]!
        const vb = w[wb + i]!
        const u0 = x[x0 + i]!
        const u1 = x[x1 + i]!
        const u2 = x[x2 + i]!
        const u3 = x[x3 + i]!
        a0 += u0 * va
        a1 += u1 * va
        a2 += u2 * va
        a3 += u3 * va
        b0 += u0 * vb
        b1 += u1 * vb
        b2 += u2 * vb
        b3 += u3 * vb
      }
      const ba = b[o]!
      const bb = b[o + 1]!
      y[y0 + o] = ba + a0
      y[y0 + outDim + o] = ba + a1
      y[y0 + 2 * outDim + o] = ba + a2
      y[y0 + 3 * outDim + o] = ba + a3
      y[y0 + o + 1] = bb + b0
      y[y0 + outDim + o + 1] = bb + b1
      y[y0 + 2 * outDim + o + 1] = bb + b2
      y[y0 + 3 * outDim + o + 1] = bb + b3
    }
    for (; o < outDim; o++)
      for (let k = 0; k < 4; k++)
        y[y0 + k * outDim + o] = dot(x, x0 + k * inDim, w, o * inDim, inDim) + b[o]!
  }
  for (; r < rows; r++)
    for (let o = 0; o < outDim; o++)
      y[r * outDim + o] = dot(x, r * inDim, w, o * inDim, inDim) + b[o]!
}

function dot(x: FloatArray, xo: number, w: FloatArray, wo: number, n: number): number {
  let s = 0
  for (let i = 0; i < n; i++) s += x[xo + i]! * w[wo + i]!
  return s
}

/**
 * Backward of linearForward, accumulating: dw[o, i] += Σ_r dy[r, o] · x[r, i],
 * db[o] += Σ_r dy[r, o], and (when dx is given) dx[r, i] += Σ_o dy[r, o] · w[o, i].
 * Rows go four at a time so each pass over a weight row serves four frames; blocks whose output
 * gradients are all zero (ReLU's dead units) are skipped.
 */
export function linearBackward(
  dy: FloatArray,
  rows: number,
  outDim: number,
  x: FloatArray,
  inDim: number,
  w: FloatArray,
  dw: FloatArray | null,
  db: FloatArray | null,
  dx: FloatArray | null,
): void {
  let r = 0
  for (; r + 3 < rows; r += 4) {
    const x0 = r * inDim
    const x1 = x0 + inDim
    const x2 = x1 + inDim
    const x3 = x2 + inDim
    for (let o = 0; o < outDim; o++) {
      const g0 = dy[r * outDim + o]!
      const g1 = dy[(r + 1) * outDim + o]!
      const g2 = dy[(r + 2) * outDim + o]!
      const g3 = dy[(r + 3) * outDim + o]!
      if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0) continue
      if (db) db[o] = db[o]! + g0 + g1 + g2 + g3
      const wo = o * inDim
      if (dw)
        for (let i = 0; i < inDim; i++)
          dw[wo + i] =
            dw[wo + i]! + g0 * x[x0 + i]! + g1 * x[x1 + i]! + g2 * x[x2 + i]! + g3 * x[x3 + i]!
      if (dx)
        for (let i = 0; i < inDim; i++) {
          const v = w[wo + i]!
          dx[x0 + i] = dx[x0 + i]! + g0 * v
          dx[x1 + i] = dx[x1 + i]! + g1 * v
          dx[x2 + i] = dx[x2 + i]! + g2 * v
          dx[x3 + i] = dx[x3 + i]! + g3 * v
        }
    }
  }
  for (; r < rows; r++) {
    const xr = r * inDim
    for (let o = 0; o < outDim; o++) {
      const g = dy[r * outDim + o]!
      if (g === 0) continue
      if (db) db[o] = db[o]! + g
      const wo = o * inDim
      if (dw) for (let i = 0; i < inDim; i++) dw[wo + i] = dw[wo + i]! + g * x[xr + i]!
      if (dx) for (let i = 0; i < inDim; i++) dx[xr + i] = dx[xr + i]! + g * w[wo + i]!
    }
  }
}

/** torch.nn.LayerNorm's default epsilon. */
export const LAYER_NORM_EPS = 1e-5

/**
 * LayerNorm over each row: normed = (x − mean) / sqrt(var + eps) (biased variance, as PyTorch),
 * y = gamma · normed + beta. Keeps normed and the reciprocal deviations for the backward pass.
 */
export function layerNormForward(
  x: FloatArray,
  rows: number,
  dim: number,
  gamma: FloatArray,
  beta: FloatArray,
  normed: FloatArray,
  rstd: FloatArray,
  y: FloatArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * dim
    let mean = 0
    for (let i = 0; i < dim; i++) mean += x[base + i]!
    mean /= dim
    let variance = 0
    for (let i = 0; i < dim; i++) {
      const d = x[base + i]! - mean
      variance += d * d
    }
    variance /= dim
    const inv = 1 / Math.sqrt(variance + LAYER_NORM_EPS)
    rstd[r] = inv
    for (let i = 0; i < dim; i++) {
      const n = (x[base + i]! - mean) * inv
      normed[base + i] = n
      y[base + i] = gamma[i]! * n + beta[i]!
    }
  }
}

/**
 * Backward of layerNormForward, accumulating into dgamma, dbeta and dx:
 * dx = rstd · (g − mean(g) − normed · mean(g · normed)) with g = dy · gamma.
 */
export function layerNormBackward(
  dy: FloatArray,
  rows: number,
  dim: number,
  normed: FloatArray,
  rstd: FloatArray,
  gamma: FloatArray,
  dgamma: FloatArray | null,
  dbeta: FloatArray | null,
  dx: FloatArray | null,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * dim
    let meanG = 0
    let meanGN = 0
    for (let i = 0; i < dim; i++) {
      const d = dy[base + i]!
      const n = normed[base + i]!
      if (dgamma) dgamma[i] = dgamma[i]! + d * n
      if (dbeta) dbeta[i] = dbeta[i]! + d
      const g = d * gamma[i]!
      meanG += g
      meanGN += g * n
    }
    if (!dx) continue
    meanG /= dim
    meanGN /= dim
    const inv = rstd[r]!
    for (let i = 0; i < dim; i++) {
      const g = dy[base + i]! * gamma[i]!
      dx[base + i] = dx[base + i]! + inv * (g - meanG - normed[base + i]! * meanGN)
    }
  }
}
