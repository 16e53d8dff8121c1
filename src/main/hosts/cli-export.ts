import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { CallInput } from '../../shared/contract'
import { consentScopes, exportFormatNames } from '../../shared/domain'
import { SautiError } from '../../shared/errors'
import { profileId } from './cli-consent'
import { err, exitCodes, globals, out, progressBar, runJob, withWorkbench } from './cli-support'

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/** `sauti export` and `sauti import-annotation`. */
export function addExportCommands(program: Command): void {
  program
    .command('export')
    .description('export a consented dataset: formats, audio, datasheet and manifest (lead)')
    .argument('<dir>', 'a new or empty folder')
    .requiredOption('--use <scope>', `what the data is for: ${consentScopes.join(' | ')}`)
    .requiredOption('--formats <list>', `comma-separated: ${exportFormatNames()}`)
    .option(
      '--audio <mode>',
      'wav | flac (16 kHz 16-bit mono segments, FLAC lossless and smaller) | originals',
      'wav',
    )
    .option('--statuses <list>', 'utterance statuses to include', 'new,pseudo,corrected,reviewed')
    .option('--sources <list>', 'label sources: annotator, import, model', 'annotator,import')
    .option('--languages <list>', 'only these languages')
    .option('--licence <licence>', 'the licence the datasheet states, e.g. CC-BY-4.0')
    .option('--as <name>', 'a lead profile')
    .action(
      async (
        dir: string,
        o: {
          use: string
          formats: string
          audio: string
          statuses: string
          sources: string
          languages?: string
          licence?: string
          as?: string
        },
        command: Command,
      ) => {
        const g = globals(command)
        const finished = await withWorkbench(g, false, async (wb) =>
          runJob(
            wb,
            'export.start',
            {
              actorId: await profileId(wb, o.as),
              use: o.use,
              dir: resolve(dir),
              formats: list(o.formats),
              audio: o.audio,
              statuses: list(o.statuses),
              sources: list(o.sources),
              languages: o.languages ? list(o.languages) : [],
              licence: o.licence ?? null,
            } as CallInput<'export.start'>,
            progressBar(g.json, 'Exporting'),
          ),
        )
        const e = finished.exported
        if (!e) throw new SautiError('cancelled', 'the export was cancelled; nothing was written.')
        if (g.json) return out(JSON.stringify(e))
        out(
          `Exported ${e.utterances} utterance(s), ${(e.durationSec / 3600).toFixed(3)} h, from ${e.speakers} speaker(s) to ${e.directory} (${e.files} files; manifest sha256 ${e.manifestSha256}).`,
        )
        if (e.withoutConsent)
          out(`${e.withoutConsent} matching utterance(s) left out: no consent to ${e.use}.`)
        for (const n of e.notes) err(`note: ${n}`)
      },
    )

  program
    .command('import-annotation')
    .description(
      'import existing annotation with its audio: ELAN .eaf, Praat .TextGrid, Common Voice .tsv, CSV/TSV manifests, Kaldi data folders',
    )
    .argument('<paths...>', 'annotation files or Kaldi data folders')
    .option('--tiers <list>', 'ELAN or Praat tiers to read (comma-separated)')
    .action(async (paths: string[], o: { tiers?: string }, command: Command) => {
      const g = globals(command)
      const finished = await withWorkbench(g, true, (wb) =>
        runJob(
          wb,
          'annotation.import',
          { paths: paths.map((p) => resolve(p)), ...(o.tiers ? { tiers: list(o.tiers) } : {}) },
          progressBar(g.json, 'Importing annotation'),
        ),
      )
      const a = finished.annotations
      if (!a) throw new SautiError('internal', 'the import finished without a summary')
      if (g.json) out(JSON.stringify(a))
      else
        for (const f of a.imported)
          out(
            `${f.file} (${f.format}): ${f.recordings} recording(s), ${f.utterances} utterance(s), ${f.revisions} transcript(s), ${f.speakers} new speaker(s).`,
          )
      for (const r of a.rejected) err(`rejected: ${r.message}`)
      if (a.rejected.length) process.exitCode = exitCodes.rejected
    })
}
