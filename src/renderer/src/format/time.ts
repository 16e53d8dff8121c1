/** Time formats used across the UI. Pure functions, so they are easy to test and reuse. */

const pad = (value: number): string => String(value).padStart(2, '0')

/** `mm:ss`, or `h:mm:ss` from one hour on; seconds are floored so a clock never runs ahead. */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`
}

/** `mm:ss.s` (or `h:mm:ss.s`): segment boundaries need tenths to be told apart. */
export function formatSegmentTime(seconds: number): string {
  const tenths = Math.max(0, Math.round((Number.isFinite(seconds) ? seconds : 0) * 10))
  return `${formatClock(Math.floor(tenths / 10))}.${tenths % 10}`
}

/** Whole hours, minutes and seconds of a duration, for a translated "1 h 5 min" style label. */
export function splitDuration(seconds: number): { h: number; m: number; s: number } {
  const total = Math.max(0, Math.round(Number.isFinite(seconds) ? seconds : 0))
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 }
}

/** 16000 → "16", 44100 → "44.1" (kHz). */
export function formatKilohertz(sampleRate: number): string {
  return String(Math.round(sampleRate / 100) / 10)
}
