/** Vega charts rendered to SVG in Node (no browser, no canvas): for the CLI and reports. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vega = await import('vega')
  const view = new vega.View(vega.parse(spec as never), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
