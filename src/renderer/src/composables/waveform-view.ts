import type RegionsPlugin from 'wavesurfer.js/dist/plugins/regions.esm.js'
import type { Subscriptions } from './subscriptions'

/** What a waveform shows besides the wave: regions, and how far it is zoomed. */

export interface WaveformRegion {
  id: string
  start: number
  end: number
  color: string
  label?: string
  /** Its edges can be dragged (`onRegionResize` hears the result). */
  resize?: boolean
  /** A click is the owner's (`onRegionClick`) instead of a seek. */
  clickable?: boolean
}

export interface WaveformSegment {
  startSec: number
  endSec: number
}

/** An utterance's place in its recording. */
export interface UtteranceSegment extends WaveformSegment {
  id: number
}

/** The open utterance as a region with draggable edges, its neighbours as regions to click. */
export function utteranceRegions(
  current: UtteranceSegment,
  neighbours: UtteranceSegment[],
): WaveformRegion[] {
  return [
    ...neighbours
      .filter((n) => n.id !== current.id)
      .map((n) => ({
        id: `u${n.id}`,
        start: n.startSec,
        end: n.endSec,
        color: 'rgb(120 120 120 / 0.10)',
        clickable: true,
      })),
    {
      id: 'current',
      start: current.startSec,
      end: current.endSec,
      color: 'rgb(47 111 143 / 0.22)',
      resize: true,
    },
  ]
}

/** Replaces the regions the plugin draws. */
export function paintRegions(
  plugin: ReturnType<typeof RegionsPlugin.create>,
  regions: readonly WaveformRegion[],
): void {
  plugin.clearRegions()
  for (const region of regions)
    plugin.addRegion({
      id: region.id,
      start: region.start,
      end: region.end,
      content: region.label,
      color: region.color,
      drag: false,
      resize: !!region.resize,
    })
}

/** Hands clicks and dragged edges of the owner's regions to the owner. */
export function listenToRegions(
  plugin: ReturnType<typeof RegionsPlugin.create>,
  subscriptions: Subscriptions,
  regions: () => readonly WaveformRegion[],
  handlers: {
    onRegionClick?: (id: string) => void
    onRegionResize?: (id: string, startSec: number, endSec: number) => void
  },
): void {
  subscriptions.add(
    plugin.on('region-updated', (region) => {
      if (regions().find((r) => r.id === region.id)?.resize)
        handlers.onRegionResize?.(region.id, region.start, region.end)
    }),
  )
  subscriptions.add(
    plugin.on('region-clicked', (region, event) => {
      if (!regions().find((r) => r.id === region.id)?.clickable) return
      // Keep wavesurfer from also seeking to the click position; the owner acts on it.
      event.stopPropagation()
      handlers.onRegionClick?.(region.id)
    }),
  )
}

const MAX_PX_PER_SEC = 2000

/** Pixels a second for a wanted zoom, within what fits and the most; 0 is "the whole recording". */
export function clampZoom(px: number, width: number, durationSec: number): number {
  const fitAll = width / Math.max(durationSec, 0.001)
  const clamped = Math.min(MAX_PX_PER_SEC, Math.max(fitAll, px))
  return clamped <= fitAll * 1.0001 ? 0 : clamped
}

/** The zoom that shows a segment with some context (a short clip whole), and where to scroll. */
export function segmentZoom(
  segment: WaveformSegment,
  width: number,
  durationSec: number,
): { pxPerSec: number; scrollSec: number } {
  const fitAll = width / Math.max(durationSec, 0.001)
  const length = segment.endSec - segment.startSec
  const context = Math.max(1, length * 0.25)
  return {
    pxPerSec: Math.min(MAX_PX_PER_SEC, Math.max(fitAll, width / (length + 2 * context))),
    scrollSec: Math.max(0, segment.startSec - context),
  }
}
