import { describe, expect, it } from 'vitest'
import {
  calibratedConfidence,
  chooseCalibration,
  fitLogistic,
  fitTemperature,
  logLoss,
  sigmoid,
  type LabelledWord,
} from '../../src/main/core/asr/calibration'
import { aucRoc, expectedCalibrationError } from '../../src/shared/metrics/confidence-quality'
import { seededRandom } from '../../src/main/core/train/random'

/** Outcomes drawn from a known model: P(correct) = σ(a·z + b). */
function draw(n: number, a: number, b: number, seed = 7): { z: number[]; y: boolean[] } {
  const random = (
    (r) => () =>
      r.next()
  )(seededRandom(seed))
  const z = Array.from({ length: n }, () => random() * 8 - 4)
  return { z, y: z.map((v) => random() < sigmoid(a * v + b)) }
}

const nll = (z: number[], y: boolean[], a: number, b: number): number =>
  logLoss(
    z.map((v) => sigmoid(a * v + b)),
    y,
  )

/** The minimum of f over [lo, hi] by ever finer grids (a brute-force reference, no calculus). */
function gridMin(f: (x: number) => number, lo: number, hi: number): number {
  let best = lo
  for (let round = 0; round < 6; round++) {
    const step = (hi - lo) / 200
    for (let x = lo; x <= hi; x += step) if (f(x) < f(best)) best = x
    lo = best - step
    hi = best + step
  }
  return best
}

describe('calibration fits', () => {
  it('fits the temperature that a brute-force search finds, within 1e-3', () => {
    const { z, y } = draw(600, 0.5, 0)
    const t = fitTemperature(z, y)
    const brute = gridMin((temperature) => nll(z, y, 1 / temperature, 0), 0.2, 10)
    expect(Math.abs(t - brute)).toBeLessThan(1e-3)
    // The data were drawn at temperature 2; the fit finds it.
    expect(t).toBeGreaterThan(1.6)
    expect(t).toBeLessThan(2.5)
  })

  it('fits slope and offset (Platt scaling) equal to a brute-force search over both, within 1e-3', () => {
    const { z, y } = draw(500, 1.3, -0.7, 11)
    const fit = fitLogistic(
      z.map((v) => [v]),
      y,
    )
    // A grid over both, refined around its best point: a reference that needs no derivatives.
    let [a, b] = [0, 0]
    let half = 5
    for (let round = 0; round < 7; round++) {
      let best = { a, b, loss: nll(z, y, a, b) }
      for (let i = -20; i <= 20; i++)
        for (let j = -20; j <= 20; j++) {
          const [x, c] = [a + (i * half) / 20, b + (j * half) / 20]
          const loss = nll(z, y, x, c)
          if (loss < best.loss) best = { a: x, b: c, loss }
        }
      ;({ a, b } = best)
      half /= 8
    }
    expect(Math.abs(fit.weights[0]! - a)).toBeLessThan(1e-3)
    expect(Math.abs(fit.bias - b)).toBeLessThan(1e-3)
  })

  it('with several inputs and a penalty, stops where the penalised gradient is zero', () => {
    const random = (
      (r) => () =>
        r.next()
    )(seededRandom(3))
    const x = Array.from({ length: 400 }, () => [random() * 2 - 1, random() * 2 - 1, random()])
    const y = x.map((r) => random() < sigmoid(2 * r[0]! - r[1]! + 0.3))
    const lambda = 1
    const fit = fitLogistic(x, y, lambda)
    const gradient = [0, 0, 0, 0]
    x.forEach((r, i) => {
      const q = sigmoid(r.reduce((s, v, k) => s + v * fit.weights[k]!, fit.bias))
      const e = q - (y[i] ? 1 : 0)
      r.forEach((v, k) => (gradient[k]! += e * v))
      gradient[3]! += e
    })
    fit.weights.forEach((w, k) => (gradient[k]! += lambda * w))
    for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-6)
  })
})

/** Words whose correctness depends on the N-best agreement (feature 4) and nothing else. */
function words(n: number, seed: number): LabelledWord[] {
  const random = (
    (r) => () =>
      r.next()
  )(seededRandom(seed))
  return Array.from({ length: n }, (_, i) => {
    const agreement = 0.05 + 0.9 * random()
    // The uncalibrated confidence says nothing: noise around 0.7.
    const tsallis = 0.6 + 0.2 * random()
    const features = [tsallis, -1, -2, 0.5, agreement, 4, 10, 0.6]
    return { features, correct: random() < agreement ** 2, group: Math.floor(i / 8) }
  })
}

describe('choosing a calibration', () => {
  it('keeps the raw scores below 30 dev words, and says so', () => {
    const choice = chooseCalibration(words(25, 1))
    expect(choice.model).toBeNull()
    if (choice.model === null) expect(choice.reason).toMatch(/only 25 dev words \(at least 30/)
  })

  it('learns one score at a time from fewer than 200 dev words, and it holds on new words', () => {
    // A dev split of a short project: too few words for nine slopes, enough for one.
    const choice = chooseCalibration(words(120, 1))
    expect(choice.model).not.toBeNull()
    if (!choice.model) return
    expect(choice.model.features).toEqual([4])
    const test = words(2000, 9)
    const calibrated = test.map((w) => ({
      confidence: calibratedConfidence(choice.model!, w.features),
      correct: w.correct,
    }))
    const raw = test.map((w) => ({ confidence: w.features[0]!, correct: w.correct }))
    expect(expectedCalibrationError(calibrated)!).toBeLessThan(0.08)
    expect(expectedCalibrationError(raw)!).toBeGreaterThan(0.2)
    expect(aucRoc(calibrated)!).toBeGreaterThan(0.75)
  })

  it('gives every word the share of right dev words when too few are right to learn which', () => {
    const almostAllWrong = words(400, 4).map((w, i) => ({ ...w, correct: i % 100 === 0 }))
    const choice = chooseCalibration(almostAllWrong)
    expect(choice.model).toMatchObject({ name: 'base rate', features: [] })
    if (!choice.model) return
    // 4 right of 400, smoothed: (4 + 1) / (400 + 2).
    expect(calibratedConfidence(choice.model, almostAllWrong[0]!.features)).toBeCloseTo(5 / 402, 9)
  })

  it('finds the score that predicts correctness, and its probabilities hold on new words', () => {
    const choice = chooseCalibration(words(800, 2))
    expect(choice.model).not.toBeNull()
    if (!choice.model) return
    expect(choice.model.features).toContain(4)
    const test = words(2000, 9)
    const scored = test.map((w) => ({
      confidence: calibratedConfidence(choice.model!, w.features),
      correct: w.correct,
    }))
    expect(aucRoc(scored)!).toBeGreaterThan(0.75)
    expect(expectedCalibrationError(scored)!).toBeLessThan(0.05)
    // The raw confidence is far off: it says 70 % where about a third are right, and ranks at chance.
    const raw = test.map((w) => ({ confidence: w.features[0]!, correct: w.correct }))
    expect(expectedCalibrationError(raw)!).toBeGreaterThan(0.05)
    expect(Math.abs(aucRoc(raw)! - 0.5)).toBeLessThan(0.05)
  })
})
