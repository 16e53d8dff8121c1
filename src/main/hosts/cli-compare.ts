import type { Command } from 'commander'
import type { CheckpointComparison, ComparedUtterance } from '../../shared/domain'
import { SautiError } from '../../shared/errors'
import { utteranceChange } from '../../shared/metrics/compare'
import { callOrThrow } from './cli-consent'
import { err, globals, out, parsePositive, progressBar, runJob, withWorkbench } from './cli-support'

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)} %`)
/** A difference in percentage points, signed (negative: B makes fewer errors). */
const points = (a: number | null, b: number | null): string =>
  a === null || b === null ? '' : `${b - a > 0 ? '+' : ''}${((b - a) * 100).toFixed(1)} pts`
const headOf = (arg: string): number | 'base' => (arg === 'base' ? 'base' : Number(arg))
const nameOf = (checkpointId: number | null): string =>
  checkpointId === null ? 'the base model' : `checkpoint ${checkpointId}`

/** `sauti checkpoints compare A B`: the comparison a lead reads before choosing one. */
export function addCompareCommand(checkpoints: Command): void {
  checkpoints
    .command('compare')
    .description(
      "two checkpoints (or one and base) side by side on the same utterances of today's dev or test split; decodes first what either has not",
    )
    .argument('<a>', "a checkpoint's id, or base")
    .argument('<b>', "a checkpoint's id, or base")
    .option('--split <split>', 'dev | test', 'dev')
    .option('--no-decode', 'compare what both have decoded already; decode nothing')
    .option('--limit <n>', 'utterances listed each way (regressions, gains)', '5')
    .action(
      async (
        a: string,
        b: string,
        o: { split: string; decode: boolean; limit: string },
        command: Command,
      ) => {
        const g = globals(command)
        if (o.split !== 'dev' && o.split !== 'test')
          throw new SautiError('validation', `--split: "${o.split}" is not dev or test`)
        const limit = parsePositive(o.limit, '--limit')
        const input = { a: headOf(a), b: headOf(b), split: o.split as 'dev' | 'test' }
        const c = await withWorkbench(g, false, async (wb) => {
          const first = await callOrThrow(wb, 'checkpoint.compare', input)
          const lacking = Math.min(first.a.decoded, first.b.decoded) < first.splitUtterances
          if (!o.decode || !lacking) return first
          await runJob(wb, 'checkpoint.score', input, progressBar(g.json, 'Decoding'))
          return callOrThrow(wb, 'checkpoint.compare', input)
        })
        if (g.json) return out(JSON.stringify(c))
        printComparison(c, limit)
      },
    )
}

function printComparison(c: CheckpointComparison, limit: number): void {
  const [a, b] = [nameOf(c.a.checkpointId), nameOf(c.b.checkpointId)]
  out(
    `A = ${a} (${c.a.status}), B = ${b} (${c.b.status}), model ${c.model}: ${c.common} of the ${c.splitUtterances} utterance(s) of today's ${c.split} split, the same for both.`,
  )
  if (c.common < c.splitUtterances)
    err(
      `warning: ${c.splitUtterances - c.common} utterance(s) of the ${c.split} split are not decoded by both (run without --no-decode to decode them).`,
    )
  if (c.recordedApart)
    err(
      `note: the dev figures recorded at training were measured on other dev sets (${[c.a, c.b].map((s) => s.recordedDev?.utterances ?? '-').join(' and ')} utterances; today's has ${c.splitUtterances}); the figures below are on today's.`,
    )
  if (c.better === null) return
  out('           A          B   difference')
  const rows: [string, number | null, number | null][] = [
    ['WER', c.a.scores.wer, c.b.scores.wer],
    ['CER', c.a.scores.cer, c.b.scores.cer],
  ]
  if (c.a.scores.pier !== null)
    rows.push(['MER', c.a.scores.mer, c.b.scores.mer], ['PIER', c.a.scores.pier, c.b.scores.pier])
  for (const [name, x, y] of rows)
    out(
      `${name.padEnd(6)} ${pct(x).padStart(8)} ${pct(y).padStart(10)} ${points(x, y).padStart(12)}`,
    )
  const metric = c.metric.toUpperCase()
  out(
    c.better === 'tie'
      ? `Neither is better: the same ${metric}.`
      : `Better: ${c.better === 'a' ? a : b} (lower ${metric}${c.metric === 'cer' ? ', compared on CER while WER is saturated' : ''}).`,
  )
  for (const [title, groups] of [
    ['language', c.byLanguage],
    ['speaker', c.bySpeaker],
  ] as const) {
    out(`By ${title}:                 WER A      WER B      CER A      CER B`)
    for (const r of groups)
      out(
        `  ${r.key.padEnd(14)} ${String(r.utterances).padStart(5)} utt ${[r.a.wer, r.b.wer, r.a.cer, r.b.cer].map((x) => pct(x).padStart(10)).join(' ')}`,
      )
  }
  if (c.byWordLanguage.length) {
    out('By language of the reference words:  WER A      WER B')
    for (const r of c.byWordLanguage)
      out(
        `  ${r.lang.padEnd(14)} ${String(r.words).padStart(5)} words ${pct(r.a).padStart(10)} ${pct(r.b).padStart(10)}`,
      )
  }
  // The list's own order: by the comparison's metric first, then the other.
  const change = (u: ComparedUtterance): number => utteranceChange(u, c.metric).points
  const regressions = c.utterances.filter((u) => change(u) > 0)
  const gains = c.utterances.filter((u) => change(u) < 0).reverse()
  out(`${c.differing} utterance(s) read differently.`)
  for (const [title, list] of [
    ['Worse with B', regressions],
    ['Better with B', gains],
  ] as const) {
    if (!list.length) continue
    out(`${title}:`)
    for (const u of list.slice(0, limit)) printUtterance(u)
  }
}

function printUtterance(u: ComparedUtterance): void {
  out(
    `  utterance ${u.utteranceId} (${u.language ?? '?'}, ${u.speaker ?? '?'}): WER ${pct(u.a.wer)} → ${pct(u.b.wer)}, CER ${pct(u.a.cer)} → ${pct(u.b.cer)}`,
  )
  out(`    ref: ${u.reference}`)
  out(`    A:   ${u.a.text}`)
  out(`    B:   ${u.b.text}`)
}
