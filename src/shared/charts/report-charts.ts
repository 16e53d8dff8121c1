/**
 * The report's charts as Vega specifications (docs/reports.md), rendered to SVG in Node by Vega
 * itself: the same specs can be drawn by the UI in the browser. Vega escapes every label it
 * writes into the SVG, so names from the project cannot become markup.
 */
import { markFrom, VEGA_SCHEMA, type VegaSpec } from './vega'

export type { VegaSpec } from './vega'

export interface BarRow {
  category: string
  series: string
  value: number
}

/** Bars grouped by category, one bar per series (WER and PIER per speaker group, …). */
export function groupedBarSpec(
  rows: BarRow[],
  options: { title: string; yTitle: string; percent?: boolean; width?: number },
): VegaSpec {
  const format = options.percent ? '.0%' : ',d'
  return {
    $schema: VEGA_SCHEMA,
    width: options.width ?? Math.max(240, 70 * new Set(rows.map((r) => r.category)).size),
    height: 220,
    padding: 8,
    title: { text: options.title, anchor: 'start' },
    data: [{ name: 'bars', values: rows }],
    scales: [
      {
        name: 'x',
        type: 'band',
        domain: { data: 'bars', field: 'category' },
        range: 'width',
        padding: 0.2,
      },
      {
        name: 'y',
        type: 'linear',
        domain: { data: 'bars', field: 'value' },
        range: 'height',
        nice: true,
        zero: true,
      },
      {
        name: 'color',
        type: 'ordinal',
        domain: { data: 'bars', field: 'series' },
        range: 'category',
      },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', labelAngle: -30, labelAlign: 'right', labelLimit: 140 },
      {
        orient: 'left',
        scale: 'y',
        title: options.yTitle,
        format,
        grid: true,
        ...(options.percent ? {} : { tickMinStep: 1 }),
      },
    ],
    legends: [{ fill: 'color', title: null, orient: 'right' }],
    marks: [
      {
        type: 'group',
        from: { facet: { data: 'bars', name: 'facet', groupby: 'category' } },
        encode: { enter: { x: { scale: 'x', field: 'category' } } },
        // Inside the group, "width" is the band's: the inner scale spreads the series over it.
        signals: [{ name: 'width', update: "bandwidth('x')" }],
        scales: [
          {
            name: 'inner',
            type: 'band',
            range: 'width',
            domain: { data: 'facet', field: 'series' },
          },
        ],
        marks: [
          markFrom('rect', 'facet', {
            x: { scale: 'inner', field: 'series' },
            width: { scale: 'inner', band: 1 },
            y: { scale: 'y', field: 'value' },
            y2: { scale: 'y', value: 0 },
            fill: { scale: 'color', field: 'series' },
          }),
        ],
      },
    ],
  }
}

/** A matrix of counts: reference language down, the hypothesis word's language across. */
export function heatmapSpec(
  cells: { row: string; column: string; count: number }[],
  options: { title: string; rowTitle: string; columnTitle: string },
): VegaSpec {
  return {
    $schema: VEGA_SCHEMA,
    width: Math.max(160, 60 * new Set(cells.map((c) => c.column)).size),
    height: Math.max(80, 36 * new Set(cells.map((c) => c.row)).size),
    padding: 8,
    title: { text: options.title, anchor: 'start' },
    data: [{ name: 'cells', values: cells }],
    scales: [
      { name: 'x', type: 'band', domain: { data: 'cells', field: 'column' }, range: 'width' },
      { name: 'y', type: 'band', domain: { data: 'cells', field: 'row' }, range: 'height' },
      {
        name: 'shade',
        type: 'linear',
        domain: { data: 'cells', field: 'count' },
        range: { scheme: 'blues' },
        zero: true,
      },
    ],
    axes: [
      { orient: 'top', scale: 'x', title: options.columnTitle },
      { orient: 'left', scale: 'y', title: options.rowTitle },
    ],
    marks: [
      markFrom('rect', 'cells', {
        x: { scale: 'x', field: 'column' },
        width: { scale: 'x', band: 1 },
        y: { scale: 'y', field: 'row' },
        height: { scale: 'y', band: 1 },
        fill: { scale: 'shade', field: 'count' },
        stroke: { value: '#ffffff' },
      }),
      markFrom('text', 'cells', {
        x: { scale: 'x', field: 'column', band: 0.5 },
        y: { scale: 'y', field: 'row', band: 0.5 },
        text: { field: 'count' },
        align: { value: 'center' },
        baseline: { value: 'middle' },
        fill: { value: '#111111' },
      }),
    ],
  }
}
