/** `--machine-output` and `--as` on the two import commands (docs/formats.md, "Machine output"). */
import type { Command } from 'commander'
import type { MachineOutputChoice } from '../../shared/domain'
import type { Workbench } from '../core/workbench'
import { profileId } from './cli-consent'
import { err, machineOutputLine, type GlobalOptions } from './cli-support'

export interface MachineOutputOptions {
  machineOutput?: string | boolean
  as?: string
}

/** Adds the two options to an import command; `files` names what holds the transcripts. */
export function addMachineOutputOptions(command: Command, files: string): Command {
  return command
    .option(
      '--machine-output [name]',
      `${files} transcripts are machine output to correct (name the recogniser with --machine-output=NAME)`,
    )
    .option('--as <name>', 'your profile, recorded as who imported machine output')
}

/**
 * `--machine-output` (true) or `--machine-output=NAME`: the import's transcripts are machine
 * output, from the named recogniser when given. Said before the import starts (unless --json).
 */
export function machineOutputChoice(
  g: GlobalOptions,
  o: MachineOutputOptions,
): MachineOutputChoice | undefined {
  if (o.machineOutput === undefined || o.machineOutput === false) return undefined
  const choice = { system: o.machineOutput === true ? null : o.machineOutput.trim() || null }
  if (!g.json) err(machineOutputLine(choice))
  return choice
}

/** The import job's input for the choice: it, and with --as who imported it. */
export async function machineOutputInput(
  wb: Workbench,
  choice: MachineOutputChoice | undefined,
  as: string | undefined,
): Promise<{ machineOutput?: MachineOutputChoice; actorId?: number }> {
  if (!choice) return {}
  return { machineOutput: choice, ...(as ? { actorId: await profileId(wb, as) } : {}) }
}
