/**
 * The learning curve as a Vega specification (https://vega.github.io/vega/docs/): error rate
 * against labelled minutes, one line per series (strategies in a simulation, or dev CER and WER
 * of a project's checkpoints). Plain JSON, so the CLI renders it to SVG in Node and the UI in the
 * browser with the same library.
 */
import type { AnnotatorCostCurve, CheckpointSummary } from '../domain'
import { markFrom, VEGA_SCHEMA, type VegaSpec } from './vega'

export interface CurveSeries {
  name: string
  points: { minutes: number; value: number }[]
}

export function learningCurveSpec(
  series: CurveSeries[],
  options: { title: string; yTitle: string; xTitle?: string; width?: number; height?: number },
): VegaSpec {
  const values = series.flatMap((s) =>
    s.points.map((p) => ({ series: s.name, minutes: p.minutes, value: p.value })),
  )
  return {
    $schema: VEGA_SCHEMA,
    width: options.width ?? 560,
    height: options.height ?? 300,
    padding: 8,
    title: { text: options.title, anchor: 'start' },
    data: [{ name: 'points', values }],
    scales: [
      {
        name: 'x',
        type: 'linear',
        domain: { data: 'points', field: 'minutes' },
        range: 'width',
        nice: true,
        zero: true,
      },
      {
        name: 'y',
        type: 'linear',
        domain: { data: 'points', field: 'value' },
        range: 'height',
        nice: true,
        zero: true,
      },
      {
        name: 'color',
        type: 'ordinal',
        domain: { data: 'points', field: 'series' },
        range: 'category',
      },
    ],
    axes: [
      {
        orient: 'bottom',
        scale: 'x',
        title: options.xTitle ?? 'labelled audio (minutes)',
        grid: true,
      },
      { orient: 'left', scale: 'y', title: options.yTitle, format: '.0%', grid: true },
    ],
    legends: [{ stroke: 'color', fill: 'color', title: null, orient: 'top-right' }],
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'line', data: 'points', groupby: 'series' } },
        marks: [
          markFrom('line', 'line', {
            x: { scale: 'x', field: 'minutes' },
            y: { scale: 'y', field: 'value' },
            stroke: { scale: 'color', field: 'series' },
            strokeWidth: { value: 2 },
          }),
          markFrom('symbol', 'line', {
            x: { scale: 'x', field: 'minutes' },
            y: { scale: 'y', field: 'value' },
            fill: { scale: 'color', field: 'series' },
            size: { value: 30 },
            tooltip: {
              signal:
                "datum.series + ': ' + format(datum.value, '.1%') + ' at ' + format(datum.minutes, '.1f') + ' min'",
            },
          }),
        ],
      },
    ],
  }
}

/**
 * A project's checkpoints as curves: dev CER and WER against the transcribed minutes each
 * trained on; the first point is the base model (the first checkpoint's parent).
 */
export function checkpointCurves(checkpoints: CheckpointSummary[]): CurveSeries[] {
  const scored = checkpoints.filter((c) => c.dev !== null)
  const first = scored[0]
  const points = [
    ...(first?.parentDev
      ? [{ minutes: 0, cer: first.parentDev.cer, wer: first.parentDev.wer }]
      : []),
    ...scored.map((c) => ({ minutes: c.trainSec / 60, cer: c.dev!.cer, wer: c.dev!.wer })),
  ]
  return [
    { name: 'dev CER', points: points.map((p) => ({ minutes: p.minutes, value: p.cer })) },
    { name: 'dev WER', points: points.map((p) => ({ minutes: p.minutes, value: p.wer })) },
  ]
}

/**
 * The annotator's cost as curves: characters edited ÷ saved (overall and per language, when
 * there are several), keystrokes ÷ typing, and typing from scratch (1) as the line to beat.
 */
export function annotatorCostCurves(
  cost: AnnotatorCostCurve,
  names: {
    edits: string
    editsIn: (language: string) => string
    keystrokes: string
    scratch: string
  },
): CurveSeries[] {
  const end = cost.points.at(-1)?.minutes ?? 0
  const series: CurveSeries[] = [
    { name: names.edits, points: cost.points.map((p) => ({ minutes: p.minutes, value: p.cost })) },
    {
      name: names.keystrokes,
      points: cost.points.map((p) => ({ minutes: p.minutes, value: p.keystrokeShare })),
    },
  ]
  if (cost.byLanguage.length > 1)
    for (const l of cost.byLanguage)
      series.push({
        name: names.editsIn(l.language),
        points: l.points.map((p) => ({ minutes: p.minutes, value: p.cost })),
      })
  series.push({
    name: names.scratch,
    points: [
      { minutes: 0, value: 1 },
      { minutes: end, value: 1 },
    ],
  })
  return series
}
