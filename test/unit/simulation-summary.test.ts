import { describe, expect, it } from 'vitest'
import { minutesToReach, overSeeds, summarise } from '../../src/main/core/adapt/simulation'
import { simulationTable } from '../../src/main/hosts/cli-adapt'
import type { SimulationReport } from '../../src/main/core/adapt/simulation'
import type { CurvePoint, SimulationResult } from '../../src/main/core/adapt/simulate'

/** A curve from (minutes, dev WER, dev CER) triples; test rates follow dev. */
const curve = (points: [number, number, number][]): CurvePoint[] =>
  points.map(([min, wer, cer]) => ({
    labelledSec: min * 60,
    labelled: min * 10,
    flaggedSec: 0,
    editCost: null,
    keystrokeShare: null,
    keystrokeShareEmpty: null,
    keystrokeSharePolicy: null,
    startedEmptyShare: null,
    picked: [],
    devWer: wer,
    devCer: cer,
    testWer: wer,
    testCer: cer,
  }))

function result(curves: Record<string, CurvePoint[][]>): SimulationResult {
  return {
    curves: Object.entries(curves).flatMap(([strategy, seeds]) =>
      seeds.map((points, i) => ({
        strategy: strategy as 'random' | 'hybrid',
        seed: i + 1,
        points,
      })),
    ),
    cancelled: false,
    ms: 1,
  }
}

describe('the simulation summary', () => {
  it('a curve that never moves gets no fraction of random’s minutes, and says why', () => {
    const flat = curve([
      [0, 1, 0.7],
      [5, 1, 0.7],
      [10, 1, 0.7],
    ])
    const [random, hybrid] = summarise(result({ random: [flat, flat], hybrid: [flat, flat] }))
    for (const s of [random!, hybrid!]) {
      expect(s.fractionOfRandomBudget).toBeNull()
      expect(s.minutesToRandomFinal).toBeNull()
      expect(s.noFraction).toBe('random-did-not-improve')
      expect(s.relativeGainAtBudget).toBe(0)
    }
    const report = {
      options: { strategies: ['hybrid'], budgetMinutes: 10, stepMinutes: 5, seeds: 2 },
      metric: 'devCer',
      summaries: [random!, hybrid!],
    } as unknown as SimulationReport
    const table = simulationTable(report).join('\n')
    expect(table).toMatch(/random never improved/)
    expect(table).not.toMatch(/\(0\.00\)/)
    expect(table).toMatch(/Compared on dev CER/)
  })

  it('while WER is saturated, strategies are compared on CER; the spread over seeds is reported', () => {
    // WER stays at 100 %; CER falls: random to 60 % by 10 min, hybrid to 60 % by 5 min.
    const random = curve([
      [0, 1, 0.8],
      [5, 1, 0.7],
      [10, 1, 0.6],
    ])
    const hybridA = curve([
      [0, 1, 0.8],
      [5, 1, 0.6],
      [10, 1, 0.5],
    ])
    const hybridB = curve([
      [0, 1, 0.8],
      [5, 1, 0.6],
      [10, 1, 0.54],
    ])
    const [r, h] = summarise(result({ random: [random], hybrid: [hybridA, hybridB] }))
    expect(r!.fractionOfRandomBudget).toBeCloseTo(1, 10)
    expect(h!.minutesToRandomFinal).toBeCloseTo(5, 10)
    expect(h!.fractionOfRandomBudget).toBeCloseTo(0.5, 10)
    expect(h!.noFraction).toBeNull()
    // gain on CER: (0.6 − 0.52) / 0.6
    expect(h!.relativeGainAtBudget).toBeCloseTo(0.08 / 0.6, 10)
    expect(h!.final.devCer).toEqual(overSeeds([0.5, 0.54]))
    expect(h!.gainOverSeeds.min).toBeCloseTo(0.06 / 0.6, 10)
    expect(h!.gainOverSeeds.max).toBeCloseTo(0.1 / 0.6, 10)
  })

  it('interpolates where a curve first reaches the target, never at the shared start', () => {
    const at = {
      flaggedMinutes: 0,
      testWer: 0,
      testCer: 0,
      editCost: null,
      keystrokeShare: null,
      keystrokeShareEmpty: null,
      keystrokeSharePolicy: null,
      startedEmptyShare: null,
    }
    const c = [
      { ...at, minutes: 0, devWer: 0.5, devCer: 0.3 },
      { ...at, minutes: 2, devWer: 0.4, devCer: 0.2 },
      { ...at, minutes: 4, devWer: 0.3, devCer: 0.1 },
    ]
    expect(minutesToReach(c, 0.35)).toBeCloseTo(3, 10)
    expect(minutesToReach(c, 0.15, 'devCer')).toBeCloseTo(3, 10)
    expect(minutesToReach(c, 0.6)).toBe(2)
    expect(minutesToReach(c, 0.1)).toBeNull()
  })
})
