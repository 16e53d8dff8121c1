import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { CallInput } from '../../shared/contract'
import type { ExportCounts, ExportStanding } from '../../shared/domain'
import {
  consentScopes,
  defaultExportSources,
  defaultExportStatuses,
  exportFormatNames,
  exportStandings,
} from '../../shared/domain'
import { SautiError } from '../../shared/errors'
import { leftOutSentence } from '../core/export/plan'
import { callOrThrow, profileId } from './cli-consent'
import {
  err,
  exitCodes,
  globals,
  machineOutputLine,
  out,
  progressBar,
  runJob,
  withWorkbench,
} from './cli-support'
import {
  addMachineOutputOptions,
  machineOutputChoice,
  machineOutputInput,
  type MachineOutputOptions,
} from './cli-machine-output'

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

interface ExportOptions {
  use: string
  formats?: string
  audio: string
  statuses: string
  sources: string
  languages?: string
  includeAccepted?: boolean
  licence?: string
  dryRun?: boolean
  as?: string
}

/** The choices a preview and an export share, as the contract reads them. */
function choices(o: ExportOptions): Record<string, unknown> {
  return {
    use: o.use,
    audio: o.audio,
    statuses: list(o.statuses),
    sources: list(o.sources),
    languages: o.languages ? list(o.languages) : [],
    includeAccepted: o.includeAccepted === true,
  }
}

const countsLine = (c: ExportCounts): string =>
  `${c.utterances} utterance(s), ${(c.durationSec / 60).toFixed(1)} min, from ${c.speakers} speaker(s)`

/** Where the exported labels stand, and what was left out and why. */
function printCounts(c: ExportCounts): void {
  const standings = exportStandings
    .filter((k) => c.standings[k])
    .map((k) => `${c.standings[k]} ${standingNames[k]}`)
  if (standings.length) out(`Labels: ${standings.join(', ')}.`)
  const why = leftOutSentence(c.leftOut)
  if (why) out(`Left out: ${why}.`)
  const machine = c.machineOutput.map(
    (m) => `${m.utterances} from ${m.system ?? 'an unnamed recogniser'}`,
  )
  if (machine.length) out(`Imported machine output: ${machine.join(', ')}.`)
}

const standingNames: Record<ExportStanding, string> = {
  reviewed: 'reviewed',
  corrected: 'corrected',
  accepted: 'machine text accepted as-is',
  imported: 'imported (written by people)',
  machineDraft: 'machine draft',
  machineImport: 'imported machine output',
  pending: 'awaiting a decision',
  untranscribed: 'untranscribed',
  flagged: 'flagged',
  skipped: 'skipped',
}

/** `sauti import-annotation`'s options. */
interface AnnotationImportOptions extends MachineOutputOptions {
  tiers?: string
}

/** `sauti export` and `sauti import-annotation`. */
export function addExportCommands(program: Command): void {
  program
    .command('export')
    .description('export a consented dataset: formats, audio, datasheet and manifest (lead)')
    .argument('[dir]', 'a new or empty folder (not needed with --dry-run)')
    .requiredOption('--use <scope>', `what the data is for: ${consentScopes.join(' | ')}`)
    .option('--formats <list>', `comma-separated: ${exportFormatNames()}`)
    .option(
      '--audio <mode>',
      'wav | flac (16 kHz 16-bit mono segments, FLAC lossless and smaller) | originals',
      'wav',
    )
    .option(
      '--statuses <list>',
      'utterance statuses to include (imported transcripts count as corrected)',
      defaultExportStatuses.join(','),
    )
    .option(
      '--sources <list>',
      'label sources: annotator, import, model',
      defaultExportSources.join(','),
    )
    .option('--languages <list>', 'only these languages')
    .option(
      '--include-accepted',
      "include the model's text that an annotator accepted unchanged and no reviewer approved",
    )
    .option('--licence <licence>', 'the licence the datasheet states, e.g. CC-BY-4.0')
    .option('--dry-run', 'count what the export would hold and leave out, and write nothing')
    .option('--as <name>', 'a lead profile')
    .action(async (dir: string | undefined, o: ExportOptions, command: Command) => {
      const g = globals(command)
      if (o.dryRun) {
        const counts = await withWorkbench(g, false, async (wb) =>
          callOrThrow(wb, 'export.preview', {
            actorId: await profileId(wb, o.as),
            ...choices(o),
          } as CallInput<'export.preview'>),
        )
        if (g.json) return out(JSON.stringify(counts))
        out(`Would export ${countsLine(counts)}.`)
        printCounts(counts)
        return
      }
      if (!dir) throw new SautiError('validation', 'say which folder to export to (or --dry-run)')
      if (!o.formats) throw new SautiError('validation', 'say which --formats to export')
      const finished = await withWorkbench(g, false, async (wb) =>
        runJob(
          wb,
          'export.start',
          {
            actorId: await profileId(wb, o.as),
            ...choices(o),
            dir: resolve(dir),
            formats: list(o.formats!),
            licence: o.licence ?? null,
          } as CallInput<'export.start'>,
          progressBar(g.json, 'Exporting'),
        ),
      )
      const e = finished.exported
      if (!e) throw new SautiError('cancelled', 'the export was cancelled; nothing was written.')
      if (g.json) return out(JSON.stringify(e))
      out(
        `Exported ${countsLine(e)} to ${e.directory} (${e.files} files; manifest sha256 ${e.manifestSha256}).`,
      )
      printCounts(e)
      for (const n of e.notes) err(`note: ${n}`)
    })

  addMachineOutputOptions(
    program
      .command('import-annotation')
      .description(
        'import existing annotation with its audio: ELAN .eaf, Praat .TextGrid, Common Voice .tsv, CSV/TSV manifests, Kaldi data folders',
      )
      .argument('<paths...>', 'annotation files or Kaldi data folders')
      .option('--tiers <list>', 'ELAN or Praat tiers to read (comma-separated)'),
    "the files'",
  ).action(async (paths: string[], o: AnnotationImportOptions, command: Command) => {
    const g = globals(command)
    const machineOutput = machineOutputChoice(g, o)
    const finished = await withWorkbench(g, true, async (wb) =>
      runJob(
        wb,
        'annotation.import',
        {
          paths: paths.map((p) => resolve(p)),
          ...(o.tiers ? { tiers: list(o.tiers) } : {}),
          ...(await machineOutputInput(wb, machineOutput, o.as)),
        },
        progressBar(g.json, 'Importing annotation'),
      ),
    )
    const a = finished.annotations
    if (!a) throw new SautiError('internal', 'the import finished without a summary')
    if (g.json) out(JSON.stringify(a))
    else {
      for (const f of a.imported)
        out(
          `${f.file} (${f.format}): ${f.recordings} recording(s), ${f.utterances} utterance(s), ${f.revisions} transcript(s), ${f.tierTexts} tier text(s), ${f.speakers} new speaker(s).`,
        )
      const revisions = a.imported.reduce((n, f) => n + f.revisions, 0)
      if (a.machineOutput) out(machineOutputLine(a.machineOutput, revisions))
    }
    for (const r of a.rejected) err(`rejected: ${r.message}`)
    if (a.rejected.length) process.exitCode = exitCodes.rejected
  })
}
