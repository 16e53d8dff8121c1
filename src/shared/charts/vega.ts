/**
 * What the Vega specifications of the report and the learning curve share: their type, the
 * schema they are written against, and the one form of mark they all draw.
 */
export type VegaSpec = Record<string, unknown>

export const VEGA_SCHEMA = 'https://vega.github.io/schema/vega/v6.json'

/** A mark drawn once per row of `data`, with its encoding set when it enters. */
export function markFrom(
  type: 'rect' | 'line' | 'symbol' | 'text',
  data: string,
  enter: Record<string, unknown>,
): VegaSpec {
  return { type, from: { data }, encode: { enter } }
}
