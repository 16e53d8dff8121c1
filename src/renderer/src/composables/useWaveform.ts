import type { MaybeRefOrGetter, Ref, ShallowRef } from 'vue'
import { onScopeDispose, ref, shallowRef, toValue, watch } from 'vue'
import WaveSurfer from 'wavesurfer.js'
import RegionsPlugin from 'wavesurfer.js/dist/plugins/regions.esm.js'
import type { CallError } from '../api/client'
import { toCallError } from '../api/client'
import type { AsyncStatus } from './useAsync'
import { useClient } from './useClient'
import { createMediaElement, peakBudget, releaseMediaElement } from './waveform-media'

export interface WaveformRegion {
  id: string
  start: number
  end: number
  label?: string
  active?: boolean
}

export interface WaveformColors {
  wave: string
  progress: string
  cursor: string
  region: string
  activeRegion: string
}

export interface WaveformOptions {
  /** Where wavesurfer draws; it must have no Vue-managed children. */
  container: Readonly<Ref<HTMLElement | null>>
  /** Where the `<audio>` element lives, hidden, so tests and assistive tools can find it. */
  audioHost: Readonly<Ref<HTMLElement | null>>
  recordingId: MaybeRefOrGetter<number | null>
  regions: MaybeRefOrGetter<WaveformRegion[]>
  colors: WaveformColors
  height?: number
  onRegionClick?: (regionId: string) => void
}

export interface Waveform {
  /** Loading the peaks. */
  status: Ref<AsyncStatus>
  error: ShallowRef<CallError | null>
  /** The media element refused to play (missing file, unsupported codec, autoplay policy). */
  playbackError: Ref<string | null>
  /** Wavesurfer is ready and has drawn the peaks. */
  ready: Ref<boolean>
  playing: Ref<boolean>
  currentTime: Ref<number>
  duration: Ref<number>
  playPause(): void
  playSegment(start: number, end: number): void
  reload(): void
}

type Regions = ReturnType<typeof RegionsPlugin.create>

/**
 * A WaveSurfer instance for one recording at a time, drawn from precomputed peaks with the
 * audio streamed by an `<audio preload="metadata">` element, so opening a long file costs
 * one small request instead of a full download and decode. Destroyed with the owning scope.
 */
export function useWaveform(options: WaveformOptions): Waveform {
  const client = useClient()
  const status = ref<AsyncStatus>('idle')
  const error = shallowRef<CallError | null>(null)
  const playbackError = ref<string | null>(null)
  const ready = ref(false)
  const playing = ref(false)
  const currentTime = ref(0)
  const duration = ref(0)

  let wavesurfer: WaveSurfer | null = null
  let regions: Regions | null = null
  let audio: HTMLAudioElement | null = null
  // Bumped on every load, so a slow peaks reply for a recording no longer shown is dropped.
  let generation = 0

  function teardown(): void {
    wavesurfer?.destroy()
    wavesurfer = null
    regions = null
    if (audio) {
      releaseMediaElement(audio)
      audio = null
    }
    ready.value = false
    playing.value = false
    currentTime.value = 0
  }

  function createAudio(recordingId: number, host: HTMLElement): HTMLAudioElement {
    return createMediaElement(client.mediaUrl(recordingId), host, (message) => {
      playbackError.value = message
    })
  }

  function renderRegions(): void {
    if (!regions) return
    regions.clearRegions()
    for (const region of toValue(options.regions)) {
      regions.addRegion({
        id: region.id,
        start: region.start,
        end: region.end,
        content: region.label,
        color: region.active ? options.colors.activeRegion : options.colors.region,
        drag: false,
        resize: false,
      })
    }
  }

  async function load(recordingId: number, container: HTMLElement): Promise<void> {
    const ticket = ++generation
    teardown()
    status.value = 'loading'
    error.value = null
    playbackError.value = null
    let peaks
    try {
      peaks = await client.call('recording.peaks', {
        id: recordingId,
        maxPeaks: peakBudget(container.clientWidth),
      })
    } catch (caught) {
      if (ticket !== generation) return
      error.value = toCallError(caught)
      status.value = 'error'
      return
    }
    if (ticket !== generation) return

    audio = createAudio(recordingId, options.audioHost.value ?? container)
    duration.value = peaks.durationSec
    regions = RegionsPlugin.create()
    const instance = WaveSurfer.create({
      container,
      media: audio,
      peaks: [Float32Array.from(peaks.data)],
      duration: peaks.durationSec,
      height: options.height ?? 128,
      waveColor: options.colors.wave,
      progressColor: options.colors.progress,
      cursorColor: options.colors.cursor,
      cursorWidth: 2,
      dragToSeek: true,
      plugins: [regions],
    })
    wavesurfer = instance

    // "Ready" for a test means both: the player knows the duration and the peaks are on screen.
    let readyFired = false
    let drawn = false
    const settle = (): void => {
      ready.value = readyFired && drawn
    }
    instance.on('ready', () => {
      readyFired = true
      settle()
    })
    instance.on('redrawcomplete', () => {
      drawn = true
      settle()
    })
    instance.on('play', () => (playing.value = true))
    instance.on('pause', () => (playing.value = false))
    instance.on('finish', () => (playing.value = false))
    instance.on('timeupdate', (time) => (currentTime.value = time))
    instance.on('error', (caught) => (playbackError.value = caught.message))
    regions.on('region-clicked', (region, event) => {
      // Keep wavesurfer from also seeking to the click position; the owner plays the region.
      event.stopPropagation()
      options.onRegionClick?.(region.id)
    })
    renderRegions()
    status.value = 'done'
  }

  function refresh(): void {
    const id = toValue(options.recordingId)
    const container = options.container.value
    if (id === null || !container) {
      generation++
      teardown()
      status.value = 'idle'
      return
    }
    void load(id, container)
  }

  function play(task: Promise<void> | undefined): void {
    playbackError.value = null
    task?.catch((caught: unknown) => {
      playbackError.value = caught instanceof Error ? caught.message : String(caught)
    })
  }

  watch([() => toValue(options.recordingId), options.container], refresh, { immediate: true })
  watch(() => toValue(options.regions), renderRegions)
  onScopeDispose(() => {
    generation++
    teardown()
  })

  return {
    status,
    error,
    playbackError,
    ready,
    playing,
    currentTime,
    duration,
    playPause: () => play(wavesurfer?.playPause()),
    playSegment: (start: number, end: number) => play(wavesurfer?.play(start, end)),
    reload: refresh,
  }
}
