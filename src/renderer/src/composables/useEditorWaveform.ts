import type { Ref } from 'vue'
import { onScopeDispose, ref, shallowRef, watch } from 'vue'
import WaveSurfer from 'wavesurfer.js'
import MinimapPlugin from 'wavesurfer.js/dist/plugins/minimap.esm.js'
import RegionsPlugin from 'wavesurfer.js/dist/plugins/regions.esm.js'
import type { CallError, SautiClient } from '../api/client'
import { toCallError } from '../api/client'
import { useClient } from './useClient'
import { mark } from './marks'
import {
  adoptMediaElement,
  createMediaElement,
  preloadMedia,
  releaseMediaElement,
  takePreloadedMedia,
} from './waveform-media'

export interface EditorSegment {
  id: number
  startSec: number
  endSec: number
}

export interface EditorWaveformOptions {
  container: Readonly<Ref<HTMLElement | null>>
  minimap: Readonly<Ref<HTMLElement | null>>
  audioHost: Readonly<Ref<HTMLElement | null>>
  colors: { wave: string; progress: string; cursor: string; active: string; other: string }
  /** The annotator dragged an edge of the current utterance. */
  onBounds: (startSec: number, endSec: number) => void
  /** The annotator clicked a neighbouring utterance. */
  onSelect: (id: number) => void
}

/** Recordings longer than this get a minimap to find one's place. */
const MINIMAP_AFTER_SEC = 60
const MAX_PX_PER_SEC = 2000

interface LoadedPeaks {
  durationSec: number
  data: Float32Array
}

/** Peaks of the last few recordings (and the next one, fetched ahead), by recording id. */
const peaksCache = new Map<number, Promise<LoadedPeaks>>()
const PEAKS_CACHE_SIZE = 4

function loadPeaks(client: SautiClient, id: number): Promise<LoadedPeaks> {
  const cached = peaksCache.get(id)
  if (cached) return cached
  const task = (async () => {
    const recording = await client.call('recording.get', { id })
    const peaks = await client.call('recording.peaks', {
      id,
      // Fine enough to zoom to a word: 400 peaks/s for clips, 100/s for hours-long files.
      maxPeaks: Math.min(2_000_000, Math.max(1000, Math.ceil(recording.durationSec * 400))),
    })
    return { durationSec: peaks.durationSec, data: Float32Array.from(peaks.data) }
  })()
  task.catch(() => peaksCache.delete(id))
  peaksCache.set(id, task)
  while (peaksCache.size > PEAKS_CACHE_SIZE) peaksCache.delete(peaksCache.keys().next().value!)
  return task
}

/**
 * The absolute media URL: an element reports its `src` absolute, and the player compares it with
 * the URL it is given to decide whether the element already holds that file.
 */
function mediaHref(client: SautiClient, recordingId: number): string {
  return new URL(client.mediaUrl(recordingId), location.href).href
}

/** Fetches a recording's peaks and the start of its audio ahead of time (the next utterance). */
export function prefetchRecording(client: SautiClient, recordingId: number, atSec = 0): void {
  void loadPeaks(client, recordingId).catch(() => undefined)
  preloadMedia(mediaHref(client, recordingId), atSec)
}

/**
 * The editor's waveform: the whole recording (peaks fine enough to zoom to one word) streamed
 * from an `<audio>` element, the current utterance as a region with draggable edges, its
 * neighbours as plain regions, a minimap for long files, zoom, speed and loop (the timeline is
 * AnnotateTimeline, drawn for the visible window only).
 * Moving to another utterance of the same recording only moves the region and the view.
 */
export function useEditorWaveform(options: EditorWaveformOptions) {
  const client = useClient()
  const recordingId = ref<number | null>(null)
  const durationSec = ref(0)
  const ready = ref(false)
  const playing = ref(false)
  const currentTime = ref(0)
  const rate = ref(1)
  const loop = ref(false)
  const pxPerSec = ref(0)
  const view = ref({ startSec: 0, endSec: 0 })
  const error = shallowRef<CallError | null>(null)
  const playbackError = ref<string | null>(null)

  let wavesurfer: WaveSurfer | null = null
  let regions: ReturnType<typeof RegionsPlugin.create> | null = null
  let audio: HTMLAudioElement | null = null
  let generation = 0
  let current: EditorSegment | null = null
  let others: EditorSegment[] = []
  let segment: { start: number; end: number } | null = null
  let hasMinimap = false
  let stopTimer = 0
  let waiting: number | null = null

  function teardown(): void {
    cancelAnimationFrame(stopTimer)
    wavesurfer?.destroy()
    wavesurfer = null
    regions = null
    if (audio) releaseMediaElement(audio)
    audio = null
    ready.value = false
    playing.value = false
  }

  /** Regions added before the duration is known collapse to markers: draw once ready. */
  function drawRegions(): void {
    if (!regions || !ready.value) return
    regions.clearRegions()
    for (const o of others) {
      if (o.id === current?.id) continue
      regions.addRegion({
        id: `u${o.id}`,
        start: o.startSec,
        end: o.endSec,
        color: options.colors.other,
        drag: false,
        resize: false,
      })
    }
    if (current)
      regions.addRegion({
        id: 'current',
        start: current.startSec,
        end: current.endSec,
        color: options.colors.active,
        drag: false,
        resize: true,
      })
  }

  function updateView(): void {
    if (!wavesurfer) return
    const width = wavesurfer.getWidth()
    const px = pxPerSec.value || width / Math.max(durationSec.value, 0.001)
    const start = wavesurfer.getScroll() / px
    view.value = { startSec: start, endSec: Math.min(durationSec.value, start + width / px) }
  }

  /** Zoom that shows the utterance with some context; a short clip is shown whole. */
  function fitZoom(): void {
    if (!wavesurfer || !current) return
    const width = options.container.value?.clientWidth || wavesurfer.getWidth()
    const fitAll = width / Math.max(durationSec.value, 0.001)
    const length = current.endSec - current.startSec
    const context = Math.max(1, length * 0.25)
    const px = Math.min(MAX_PX_PER_SEC, Math.max(fitAll, width / (length + 2 * context)))
    setZoom(px)
    wavesurfer.setScrollTime(Math.max(0, current.startSec - context))
    updateView()
  }

  function setZoom(px: number): void {
    if (!wavesurfer) return
    const width = options.container.value?.clientWidth || wavesurfer.getWidth()
    const fitAll = width / Math.max(durationSec.value, 0.001)
    const clamped = Math.min(MAX_PX_PER_SEC, Math.max(fitAll, px))
    pxPerSec.value = clamped <= fitAll * 1.0001 ? 0 : clamped
    wavesurfer.zoom(pxPerSec.value)
    updateView()
  }

  async function load(id: number): Promise<void> {
    const ticket = ++generation
    const container = options.container.value
    if (!container) {
      // Shown before its container was mounted: load when it is.
      waiting = id
      return
    }
    waiting = null
    error.value = null
    playbackError.value = null
    recordingId.value = id
    ready.value = false
    let peaks: LoadedPeaks
    try {
      peaks = await loadPeaks(client, id)
    } catch (caught) {
      if (ticket === generation) error.value = toCallError(caught)
      return
    }
    if (ticket !== generation) return
    durationSec.value = peaks.durationSec
    const wantMinimap = peaks.durationSec > MINIMAP_AFTER_SEC && !!options.minimap.value
    // Same kind of view as before: keep the player and its plugins, swap the audio and peaks.
    if (wavesurfer && wantMinimap === hasMinimap) {
      regions?.clearRegions()
      pxPerSec.value = 0
      const url = mediaHref(client, id)
      // Audio fetched ahead for this recording: hand that element to the player.
      const ahead = takePreloadedMedia(url)
      if (ahead) {
        adoptMediaElement(ahead, options.audioHost.value ?? container, (message) => {
          playbackError.value = message
        })
        wavesurfer.setMediaElement(ahead)
        if (audio) releaseMediaElement(audio)
        audio = ahead
      }
      wavesurfer.load(url, [peaks.data], peaks.durationSec).catch((caught: unknown) => {
        if (ticket === generation) playbackError.value = (caught as Error).message
      })
      return
    }
    teardown()
    hasMinimap = wantMinimap
    audio = createMediaElement(
      mediaHref(client, id),
      options.audioHost.value ?? container,
      (message) => (playbackError.value = message),
    )
    regions = RegionsPlugin.create()
    const plugins = [regions]
    if (wantMinimap)
      plugins.push(
        MinimapPlugin.create({
          container: options.minimap.value!,
          height: 28,
          waveColor: options.colors.wave,
          progressColor: options.colors.progress,
        }) as never,
      )
    const instance = WaveSurfer.create({
      container,
      media: audio,
      peaks: [peaks.data],
      duration: peaks.durationSec,
      height: 120,
      waveColor: options.colors.wave,
      progressColor: options.colors.progress,
      cursorColor: options.colors.cursor,
      cursorWidth: 2,
      autoScroll: true,
      autoCenter: false,
      plugins,
    })
    wavesurfer = instance
    instance.setPlaybackRate(rate.value, true)
    // Fires for the first recording and for every one loaded into this player afterwards.
    instance.on('ready', () => {
      if (wavesurfer !== instance) return
      mark('sauti:wave-ready')
      ready.value = true
      drawRegions()
      fitZoom()
    })
    instance.on('play', () => {
      playing.value = true
      mark('sauti:play')
    })
    instance.on('pause', () => (playing.value = false))
    instance.on('finish', () => (playing.value = false))
    instance.on('timeupdate', (t) => (currentTime.value = t))
    instance.on('scroll', () => updateView())
    instance.on('zoom', () => updateView())
    instance.on('error', (caught) => (playbackError.value = caught.message))
    regions.on('region-updated', (region) => {
      if (region.id === 'current') options.onBounds(region.start, region.end)
    })
    regions.on('region-clicked', (region, event) => {
      if (!region.id.startsWith('u')) return
      event.stopPropagation()
      options.onSelect(Number(region.id.slice(1)))
    })
  }

  /** Shows an utterance: reloads only when it is in another recording. */
  function show(recording: number, utterance: EditorSegment, neighbours: EditorSegment[]): void {
    current = utterance
    others = neighbours
    segment = null
    if (recording !== recordingId.value || !wavesurfer) {
      void load(recording)
      return
    }
    wavesurfer.pause()
    drawRegions()
    if (ready.value) {
      wavesurfer.setTime(utterance.startSec)
      fitZoom()
    }
  }

  /** Redraws the neighbouring utterances without touching playback or the view. */
  function setNeighbours(neighbours: EditorSegment[]): void {
    others = neighbours
    drawRegions()
  }

  function play(task: Promise<void> | undefined): void {
    playbackError.value = null
    task?.catch((caught: unknown) => {
      playbackError.value = caught instanceof Error ? caught.message : String(caught)
    })
  }

  /** Stops at the segment's end to the frame (timeupdate comes only every ~250 ms). */
  function watchEnd(media: HTMLMediaElement): void {
    cancelAnimationFrame(stopTimer)
    const tick = (): void => {
      const s = segment
      if (!s || media.paused) return
      if (media.currentTime >= s.end) {
        if (loop.value) media.currentTime = s.start
        else {
          media.pause()
          return
        }
      }
      stopTimer = requestAnimationFrame(tick)
    }
    stopTimer = requestAnimationFrame(tick)
  }

  /**
   * Plays [start, end) on the media element itself: seeking through wavesurfer while a previous
   * segment's stop position is pending can lose the seek. A just-swapped recording first needs
   * its metadata, or the seek is lost too and playback starts at 0.
   */
  function playRange(start: number, end: number): void {
    const media = wavesurfer?.getMediaElement()
    if (!media) return
    segment = { start, end }
    const go = (): void => {
      if (segment?.start !== start || segment.end !== end) return
      media.currentTime = start
      play(media.play().then(() => watchEnd(media)))
    }
    if (media.readyState >= HTMLMediaElement.HAVE_METADATA) go()
    else media.addEventListener('loadedmetadata', go, { once: true })
  }

  function playPause(): void {
    if (!wavesurfer || !current) return
    if (wavesurfer.isPlaying()) {
      wavesurfer.pause()
      return
    }
    const t = wavesurfer.getCurrentTime()
    // Resume inside the utterance, or start it over from the beginning.
    const from = t >= current.startSec && t < current.endSec - 0.05 ? t : current.startSec
    playRange(from, current.endSec)
  }

  function replay(): void {
    if (current) playRange(current.startSec, current.endSec)
  }

  function setRate(next: number): void {
    rate.value = Math.min(2, Math.max(0.5, Math.round(next * 100) / 100))
    wavesurfer?.setPlaybackRate(rate.value, true)
  }

  watch(
    () => options.container.value,
    (container) => {
      if (!container) {
        generation++
        teardown()
      } else if (waiting !== null) void load(waiting)
    },
  )
  onScopeDispose(() => {
    generation++
    teardown()
  })

  return {
    recordingId,
    durationSec,
    ready,
    playing,
    currentTime,
    rate,
    loop,
    view,
    error,
    playbackError,
    show,
    setNeighbours,
    playPause,
    replay,
    playRange,
    setRate,
    setLoop: (on: boolean) => (loop.value = on),
    zoomIn: () => {
      if (!wavesurfer) return
      const width = options.container.value?.clientWidth || wavesurfer.getWidth()
      setZoom((pxPerSec.value || width / Math.max(durationSec.value, 0.001)) * 1.5)
    },
    zoomOut: () => setZoom((pxPerSec.value || 1) / 1.5),
    time: () => wavesurfer?.getCurrentTime() ?? 0,
    stop: () => wavesurfer?.pause(),
  }
}
