import type { Ref, ShallowRef } from 'vue'
import { onScopeDispose, ref, shallowRef, watch } from 'vue'
import WaveSurfer from 'wavesurfer.js'
import type { GenericPlugin } from 'wavesurfer.js/dist/base-plugin.js'
import MinimapPlugin from 'wavesurfer.js/dist/plugins/minimap.esm.js'
import RegionsPlugin from 'wavesurfer.js/dist/plugins/regions.esm.js'
import type { CallError } from '../api/client'
import { toCallError } from '../api/client'
import type { LoadedPeaks } from '../stores/audio'
import { useAudioStore } from '../stores/audio'
import { mark } from './marks'
import { Subscriptions } from './subscriptions'
import { rangePlayback, reportPlay } from './waveform-playback'
import type { AsyncStatus } from './useAsync'
import { adoptMedia, detachedMedia, releaseMediaElement } from './waveform-media'
import type { WaveformRegion, WaveformSegment } from './waveform-view'
import { clampZoom, listenToRegions, paintRegions, segmentZoom } from './waveform-view'

export interface WaveformOptions {
  /** A recording's peaks: the audio store's fine ones, or one request sized to the view. */
  peaks: (recordingId: number, width: number) => Promise<LoadedPeaks>
  /** Canvas colours cannot read CSS variables, so the palette is spelled out. */
  colors?: { wave: string; progress: string; cursor: string }
  height?: number
  /** Clicking or dragging on the wave seeks (the overview); else only clicking does. */
  dragToSeek?: boolean
  onRegionClick?: (id: string) => void
  onRegionResize?: (id: string, startSec: number, endSec: number) => void
}

export interface Waveform {
  /** Where wavesurfer draws (no Vue-managed children), the minimap, and the hidden `<audio>`. */
  container: Ref<HTMLElement | null>
  minimap: Ref<HTMLElement | null>
  audioHost: Ref<HTMLElement | null>
  recordingId: Ref<number | null>
  /** Loading the peaks. */
  status: Ref<AsyncStatus>
  error: ShallowRef<CallError | null>
  /** The media element refused to play (missing file, unsupported codec, autoplay policy). */
  playbackError: Ref<string | null>
  /** The player knows the duration and the peaks are on screen. */
  ready: Ref<boolean>
  playing: Ref<boolean>
  currentTime: Ref<number>
  duration: Ref<number>
  rate: Ref<number>
  loop: Ref<boolean>
  /** The visible window, for the timeline and the spectrogram. */
  view: Ref<{ startSec: number; endSec: number }>
  /**
   * Shows a recording, and in it a segment (an utterance) that playback and the zoom keep to,
   * with its regions: another segment of the same recording only moves the view.
   */
  show(recordingId: number, segment?: WaveformSegment | null, regions?: WaveformRegion[]): void
  setRegions(regions: WaveformRegion[]): void
  /** Pauses, or plays the segment (resuming inside it), or from the cursor without one. */
  playPause(): void
  replay(): void
  playRange(startSec: number, endSec: number): void
  setRate(rate: number): void
  setLoop(on: boolean): void
  zoomIn(): void
  zoomOut(): void
  time(): number
  stop(): void
  /** Loads the recording again (after an error). */
  reload(): void
}

/** Recordings longer than this get a minimap (where the owner binds a minimap host). */
const MINIMAP_AFTER_SEC = 60

const defaultColors = { wave: '#7a8f9c', progress: '#2f6f8f', cursor: '#c2410c' }

/**
 * One WaveSurfer instance for one recording at a time, drawn from precomputed peaks with the
 * audio streamed by an `<audio>` element, so opening a long file costs one small request instead
 * of a download and a decode. Moving to another recording keeps the player and swaps its audio
 * and peaks. Every listener on the player, its plugins and its media element is registered
 * through `Subscriptions` and released with them; all of it goes with the owning scope.
 */
export function useWaveform(options: WaveformOptions): Waveform {
  const audioStore = useAudioStore()
  const colors = options.colors ?? defaultColors
  const container = ref<HTMLElement | null>(null)
  const minimap = ref<HTMLElement | null>(null)
  const audioHost = ref<HTMLElement | null>(null)
  const recordingId = ref<number | null>(null)
  const status = ref<AsyncStatus>('idle')
  const error = shallowRef<CallError | null>(null)
  const playbackError = ref<string | null>(null)
  const ready = ref(false)
  const playing = ref(false)
  const currentTime = ref(0)
  const duration = ref(0)
  const rate = ref(1)
  const loop = ref(false)
  const pxPerSec = ref(0)
  const view = ref({ startSec: 0, endSec: 0 })

  let wavesurfer: WaveSurfer | null = null
  let regionsPlugin: ReturnType<typeof RegionsPlugin.create> | null = null
  let audio: HTMLAudioElement | null = null
  let hasMinimap = false
  // Bumped on every load, so a slow peaks reply for a recording no longer shown is dropped.
  let generation = 0
  let waiting: number | null = null
  let segment: WaveformSegment | null = null
  let regions: WaveformRegion[] = []
  // This load's 'ready' (the duration is known) and its first full draw.
  let loaded = false
  let drawn = false

  /** The player's and its plugins' listeners. */
  const player = new Subscriptions()
  /** The current media element's listeners. */
  const media = new Subscriptions()
  const playback = rangePlayback(loop, (task) => play(task))

  function settle(): void {
    ready.value = loaded && drawn
  }

  function releaseAudio(): void {
    media.release()
    if (audio) releaseMediaElement(audio)
    audio = null
  }

  function teardown(): void {
    playback.clear()
    player.release()
    wavesurfer?.destroy()
    wavesurfer = null
    regionsPlugin = null
    releaseAudio()
    loaded = drawn = false
    ready.value = false
    playing.value = false
    currentTime.value = 0
  }

  function adopt(element: HTMLAudioElement, host: HTMLElement): void {
    adoptMedia(element, host, media, (message) => (playbackError.value = message))
  }

  /** Regions added before the duration is known collapse to markers: drawn once loaded. */
  function drawRegions(): void {
    if (regionsPlugin && loaded) paintRegions(regionsPlugin, regions)
  }

  function width(): number {
    return container.value?.clientWidth || wavesurfer?.getWidth() || 0
  }

  function updateView(): void {
    if (!wavesurfer) return
    const w = wavesurfer.getWidth()
    const px = pxPerSec.value || w / Math.max(duration.value, 0.001)
    const start = wavesurfer.getScroll() / px
    view.value = { startSec: start, endSec: Math.min(duration.value, start + w / px) }
  }

  function setZoom(px: number): void {
    if (!wavesurfer) return
    pxPerSec.value = clampZoom(px, width(), duration.value)
    wavesurfer.zoom(pxPerSec.value)
    updateView()
  }

  /** Zoom that shows the segment with some context; a short clip is shown whole. */
  function fitSegment(): void {
    if (!wavesurfer || !segment) return
    const { pxPerSec: px, scrollSec } = segmentZoom(segment, width(), duration.value)
    setZoom(px)
    wavesurfer.setScrollTime(scrollSec)
    updateView()
  }

  function create(host: HTMLElement, url: string, peaks: LoadedPeaks, withMinimap: boolean): void {
    teardown()
    hasMinimap = withMinimap
    audio = audioStore.takePreloaded(url) ?? detachedMedia(url, 'metadata')
    adopt(audio, audioHost.value ?? host)
    const regionsOf = RegionsPlugin.create()
    const plugins: GenericPlugin[] = [regionsOf]
    if (withMinimap && minimap.value)
      plugins.push(
        MinimapPlugin.create({
          container: minimap.value,
          height: 28,
          waveColor: colors.wave,
          progressColor: colors.progress,
        }),
      )
    const instance = WaveSurfer.create({
      container: host,
      media: audio,
      peaks: [peaks.data],
      duration: peaks.durationSec,
      height: options.height ?? 120,
      waveColor: colors.wave,
      progressColor: colors.progress,
      cursorColor: colors.cursor,
      cursorWidth: 2,
      dragToSeek: options.dragToSeek ?? false,
      autoScroll: true,
      autoCenter: false,
      plugins,
    })
    wavesurfer = instance
    regionsPlugin = regionsOf
    instance.setPlaybackRate(rate.value, true)
    // Fires for the first recording and for every one loaded into this player afterwards.
    player.add(
      instance.on('ready', () => {
        mark('sauti:wave-ready')
        loaded = true
        drawRegions()
        fitSegment()
        settle()
      }),
    )
    player.add(
      instance.on('redrawcomplete', () => {
        drawn = true
        settle()
      }),
    )
    player.add(
      instance.on('play', () => {
        playing.value = true
        mark('sauti:play')
      }),
    )
    player.add(instance.on('pause', () => (playing.value = false)))
    player.add(instance.on('finish', () => (playing.value = false)))
    player.add(instance.on('timeupdate', (t) => (currentTime.value = t)))
    player.add(instance.on('scroll', () => updateView()))
    player.add(instance.on('zoom', () => updateView()))
    player.add(instance.on('error', (caught) => (playbackError.value = caught.message)))
    listenToRegions(regionsOf, player, () => regions, options)
  }

  /** Same kind of view as before: keep the player and its plugins, swap the audio and peaks. */
  function swap(
    instance: WaveSurfer,
    host: HTMLElement,
    url: string,
    peaks: LoadedPeaks,
    ticket: number,
  ): void {
    regionsPlugin?.clearRegions()
    // Audio fetched ahead for this recording: hand that element to the player.
    const ahead = audioStore.takePreloaded(url)
    if (ahead) {
      releaseAudio()
      adopt(ahead, audioHost.value ?? host)
      instance.setMediaElement(ahead)
      audio = ahead
    }
    instance.load(url, [peaks.data], peaks.durationSec).catch((caught: unknown) => {
      if (ticket === generation) playbackError.value = (caught as Error).message
    })
  }

  async function load(id: number): Promise<void> {
    const ticket = ++generation
    const host = container.value
    if (!host) {
      // Shown before its container was mounted: load when it is.
      waiting = id
      return
    }
    waiting = null
    recordingId.value = id
    status.value = 'loading'
    error.value = null
    playbackError.value = null
    loaded = drawn = false
    ready.value = false
    let peaks: LoadedPeaks
    try {
      peaks = await options.peaks(id, host.clientWidth)
    } catch (caught) {
      if (ticket !== generation) return
      error.value = toCallError(caught)
      status.value = 'error'
      return
    }
    if (ticket !== generation) return
    duration.value = peaks.durationSec
    pxPerSec.value = 0
    const url = audioStore.mediaUrl(id)
    const withMinimap = peaks.durationSec > MINIMAP_AFTER_SEC && !!minimap.value
    if (wavesurfer && withMinimap === hasMinimap) swap(wavesurfer, host, url, peaks, ticket)
    else create(host, url, peaks, withMinimap)
    status.value = 'done'
  }

  function show(
    id: number,
    next: WaveformSegment | null = null,
    nextRegions: WaveformRegion[] = regions,
  ): void {
    segment = next
    regions = nextRegions
    playback.clear()
    if (id !== recordingId.value || !wavesurfer) {
      void load(id)
      return
    }
    wavesurfer.pause()
    drawRegions()
    if (loaded && next) {
      wavesurfer.setTime(next.startSec)
      fitSegment()
    }
  }

  function play(task: Promise<void>): void {
    reportPlay(task, (message) => (playbackError.value = message))
  }

  function playRange(start: number, end: number): void {
    const element = wavesurfer?.getMediaElement()
    if (element) playback.play(element, start, end)
  }

  function playPause(): void {
    if (!wavesurfer) return
    if (wavesurfer.isPlaying()) {
      wavesurfer.pause()
      return
    }
    if (!segment) {
      play(wavesurfer.play())
      return
    }
    const t = wavesurfer.getCurrentTime()
    // Resume inside the segment, or start it over from the beginning.
    const from = t >= segment.startSec && t < segment.endSec - 0.05 ? t : segment.startSec
    playRange(from, segment.endSec)
  }

  watch(container, (host) => {
    if (!host) {
      generation++
      teardown()
    } else if (waiting !== null) void load(waiting)
  })
  onScopeDispose(() => {
    generation++
    teardown()
  })

  return {
    container,
    minimap,
    audioHost,
    recordingId,
    status,
    error,
    playbackError,
    ready,
    playing,
    currentTime,
    duration,
    rate,
    loop,
    view,
    show,
    setRegions: (next) => {
      regions = next
      drawRegions()
    },
    playPause,
    replay: () => {
      if (segment) playRange(segment.startSec, segment.endSec)
    },
    playRange,
    setRate: (next) => {
      rate.value = Math.min(2, Math.max(0.5, Math.round(next * 100) / 100))
      wavesurfer?.setPlaybackRate(rate.value, true)
    },
    setLoop: (on) => (loop.value = on),
    zoomIn: () => {
      if (!wavesurfer) return
      setZoom((pxPerSec.value || width() / Math.max(duration.value, 0.001)) * 1.5)
    },
    zoomOut: () => setZoom((pxPerSec.value || 1) / 1.5),
    time: () => wavesurfer?.getCurrentTime() ?? 0,
    stop: () => wavesurfer?.pause(),
    reload: () => {
      if (recordingId.value !== null) void load(recordingId.value)
    },
  }
}
