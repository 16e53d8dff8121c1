/**
 * Named moments of the save-and-next flow (saved, shown, waveform ready, playing) as User
 * Timing marks, so the benchmark can say where the time goes. One entry per name is kept.
 */
export function mark(name: string): void {
  performance.clearMarks(name)
  performance.mark(name)
}
