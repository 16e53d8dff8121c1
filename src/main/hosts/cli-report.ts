import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { SautiError } from '../../shared/errors'
import type { ProjectReport } from '../../shared/domain'
import { globals, out, withWorkbench } from './cli-support'

/**
 * `sauti report --out FILE.html [--json FILE.json]`: the project's quality report as
 * self-contained HTML, and its data as JSON for scripts. `--json` is also the global "JSON on
 * stdout" flag, which commander reads wherever it appears; so `--json FILE.json` arrives as
 * that flag plus a file name, taken here as the command's optional argument.
 */
export function addReportCommands(program: Command): void {
  program
    .command('report')
    .description(
      'per-project quality report: metrics, agreement, throughput and charts (docs/reports.md)',
    )
    .argument('[json-file]', 'with --json: also write the report data to this file')
    .requiredOption('--out <file.html>', 'where to write the HTML report')
    .option('--model <id>', 'the model to score (default: the one that labelled the project last)')
    .action(
      async (
        jsonFile: string | undefined,
        opts: { out: string; model?: string },
        command: Command,
      ) => {
        const g = globals(command)
        if (jsonFile !== undefined && !g.json)
          throw new SautiError(
            'validation',
            `unexpected argument ${jsonFile} (did you mean --json ${jsonFile}?)`,
          )
        const made = await withWorkbench(g, false, async (wb) => {
          const r = await wb.call('report.project', opts.model ? { model: opts.model } : {})
          if (!r.ok) throw new SautiError(r.error.kind, r.error.message)
          return r.value as { report: ProjectReport; html: string }
        })
        const htmlPath = resolve(opts.out)
        await writeFile(htmlPath, made.html)
        if (jsonFile !== undefined) {
          const jsonPath = resolve(jsonFile)
          await writeFile(jsonPath, `${JSON.stringify(made.report, null, 2)}\n`)
          return out(JSON.stringify({ html: htmlPath, json: jsonPath }))
        }
        if (g.json) return out(JSON.stringify(made.report))
        const e = made.report.evaluation
        out(
          `Report written to ${htmlPath}${e ? `; ${e.model}: WER ${(e.wer * 100).toFixed(1)}%` : ''}.`,
        )
      },
    )
}
