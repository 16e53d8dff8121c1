import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { AdaptationStatus } from '../../shared/domain'
import { SautiError } from '../../shared/errors'
import { learningCurveCsv, learningCurveSvg } from './cli-adapt'
import { addCompareCommand } from './cli-compare'
import { callOrThrow, profileId } from './cli-consent'
import { err, globals, out, withWorkbench } from './cli-support'

const pct = (x: number | undefined | null): string =>
  x === undefined || x === null ? '-' : `${(x * 100).toFixed(1)} %`

/**
 * `sauti checkpoints` (the learning curve), `sauti checkpoints activate` (rolling back) and
 * `sauti checkpoints compare` (cli-compare.ts).
 */
export function addCheckpointCommands(program: Command): void {
  const checkpoints = program
    .command('checkpoints')
    .description('the checkpoints of the project with their dev-split scores: the learning curve')
    .option('--csv <file>', 'write the learning curve as CSV')
    .option('--svg <file>', 'draw the learning curve as SVG')
    .action(async (opts: { csv?: string; svg?: string }, command: Command) => {
      const g = globals(command)
      const status = await withWorkbench(g, false, async (wb) => {
        const r = await wb.call('adaptation.status', {})
        if (!r.ok) throw new SautiError(r.error.kind, r.error.message)
        return r.value as AdaptationStatus
      })
      if (opts.csv) await writeFile(resolve(opts.csv), learningCurveCsv(status.checkpoints))
      if (opts.svg) await writeFile(resolve(opts.svg), await learningCurveSvg(status.checkpoints))
      if (g.json) return out(JSON.stringify(status))
      out(
        `Queue strategy: ${status.strategy}; automatic training after ${status.autoTrainAfter || 'never'} new corrections (${status.newCorrections} so far).`,
      )
      if (status.checkpoints.length === 0)
        return out('No checkpoints yet: `sauti train` makes the first.')
      // Each column's heading padded as its cells are, so the two line up.
      const row = (cells: string[]): string =>
        [
          cells[0]!.padEnd(3),
          cells[1]!.padEnd(7),
          cells[2]!.padEnd(9),
          ...cells.slice(3, 8).map((cell, k) => cell.padStart([13, 10, 8, 9, 15][k]!)),
          ` ${cells[8]}`,
        ].join(' ')
      out(
        row([
          'id',
          'parent',
          'status',
          'corrected min',
          'train utts',
          'dev CER',
          'dev WER',
          'parent dev CER',
          'rate',
        ]),
      )
      for (const c of status.checkpoints)
        out(
          row([
            String(c.id),
            String(c.parentId ?? '-'),
            c.status,
            (c.correctedSec / 60).toFixed(1),
            String(c.trainUtterances),
            pct(c.dev?.cer),
            pct(c.dev?.wer),
            pct(c.parentDev?.cer),
            c.inheritedScale === null ? '-' : `×${c.inheritedScale}`,
          ]),
        )
      // Why each rate: the dev CER every candidate reached after the first epoch.
      for (const c of status.checkpoints.filter((x) => x.rateTrial.length > 0))
        out(
          `checkpoint ${c.id}: inherited rows at ×${c.inheritedScale} of the learning rate; dev CER after the first epoch ${c.rateTrial.map((t) => `×${t.scale} ${pct(t.devCer)}`).join(', ')}`,
        )
      for (const c of status.checkpoints.filter((x) => x.taintedReason))
        err(`checkpoint ${c.id}: ${c.taintedReason}`)
    })

  checkpoints
    .command('activate')
    .description('put an earlier checkpoint, or the base model, back in use, saying why (lead)')
    .argument('<checkpoint>', "a checkpoint's id, or base")
    .requiredOption('--reason <text>', 'why, for the project record')
    .option('--model <model>', 'with base: the model (default: the one that labelled last)')
    .option('--as <name>', 'a lead profile')
    .action(
      async (
        checkpoint: string,
        o: { reason: string; model?: string; as?: string },
        command: Command,
      ) => {
        const g = globals(command)
        const status = await withWorkbench(g, false, async (wb) =>
          callOrThrow(wb, 'checkpoint.activate', {
            actorId: await profileId(wb, o.as),
            checkpoint: checkpoint === 'base' ? 'base' : Number(checkpoint),
            reason: o.reason,
            ...(o.model ? { model: o.model } : {}),
          }),
        )
        if (g.json) return out(JSON.stringify(status))
        out(
          status.activeCheckpoint === null
            ? 'In use now: the base model (no checkpoint).'
            : `In use now: checkpoint ${status.activeCheckpoint}.`,
        )
      },
    )
  addCompareCommand(checkpoints)
}
