/**
 * Time rounding shared by every writer, so that a boundary has the same value in the Kaldi
 * segments, the EAF time slots and the subtitles of one export.
 *
 * Times are float seconds; 3661.0005 is stored as 3661.000499999…, and plain rounding would give
 * 3661.000. We round the decimal value a person wrote (half up) by first cutting the product to
 * 12 significant digits, which is far below a microsecond for any recording shorter than a year.
 */
export function toMs(sec: number): number {
  return Math.round(Number((sec * 1000).toPrecision(12)))
}

/** The same rounding to whole microseconds, for TextGrids (Praat keeps full precision). */
export function toMicros(sec: number): number {
  return Math.round(Number((sec * 1e6).toPrecision(15)))
}

/** Whole units (ms, µs) as a decimal number of seconds without trailing zeros: 1500 ms → "1.5". */
export function unitsToSeconds(units: number, perSecond: 1000 | 1_000_000): string {
  const digits = perSecond === 1000 ? 3 : 6
  const whole = Math.floor(units / perSecond)
  const frac = String(units - whole * perSecond)
    .padStart(digits, '0')
    .replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : String(whole)
}

/** Seconds rounded to milliseconds, as text: the precision of Kaldi, NeMo and the CSV exports. */
export function secondsText(sec: number): string {
  return unitsToSeconds(toMs(sec), 1000)
}

/** Seconds rounded to milliseconds, as a number for JSON. */
export function roundedSeconds(sec: number): number {
  return toMs(sec) / 1000
}

/**
 * HH:MM:SS,mmm (SRT) or HH:MM:SS.mmm (WebVTT) from milliseconds. Hours always appear, with at
 * least two digits; both formats allow that and more than 99 hours.
 */
export function clock(ms: number, separator: ',' | '.'): string {
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor(ms / 60_000) % 60
  const s = Math.floor(ms / 1000) % 60
  const pad = (n: number, w: number): string => String(n).padStart(w, '0')
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${separator}${pad(ms % 1000, 3)}`
}
