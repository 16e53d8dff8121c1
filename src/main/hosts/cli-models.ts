import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { Option } from 'commander'
import type { ModelReport } from '../../shared/domain'
import { SautiError } from '../../shared/errors'
import { readTrn } from '../core/formats/trn'
import { scoreTranscripts } from '../../shared/metrics/score'
import { InferenceWorkers } from '../core/asr/inference-workers'
import { findModel, importModel, listModels } from '../core/asr/model-store'
import { workerFactory } from './boot'
import { callOrThrow } from './cli-consent'
import {
  exitCodes,
  appRoot,
  out,
  err,
  globals,
  progressBar,
  withWorkbench,
  runJob,
  parseNumber,
  parsePositive,
  parseProviders,
} from './cli-support'

/** The model commands: label, model import|list|check, evaluate. */
export function addModelCommands(program: Command): void {
  program
    .command('label')
    .description(
      'pseudo-label the project: N-best hypotheses with word confidence and times for every utterance without them',
    )
    .requiredOption('--model <id>', 'a registered model (`sauti model list`)')
    .option('--n-best <n>', 'hypotheses per utterance', (v) => parsePositive(v, 'n-best'), 5)
    .option('--beam <n>', 'beam width', (v) => parsePositive(v, 'beam'), 16)
    .addOption(
      new Option(
        '--providers <list>',
        'execution providers to try, in order (CPU is always last)',
      ).default('cuda,webgpu,cpu'),
    )
    .option('--threads <n>', 'intra-op threads (default: ONNX Runtime decides)', (v) =>
      parsePositive(v, 'threads'),
    )
    .option(
      '--lm-weight <w>',
      "fuse a word n-gram from the project's transcripts (and --lm-text files) with this weight",
      (v) => parseNumber(v, 'lm-weight', 0, 5),
    )
    .option(
      '--word-bonus <b>',
      'added per word when the language model is on',
      (v) => parseNumber(v, 'word-bonus', -10, 10),
      0,
    )
    .option(
      '--lm-text <files...>',
      'more text for the language model: one sentence a line (word lists, translations, dictionaries)',
    )
    .action(
      async (
        opts: {
          model: string
          nBest: number
          beam: number
          providers: string
          threads?: number
          lmWeight?: number
          wordBonus: number
          lmText?: string[]
        },
        command: Command,
      ) => {
        const g = globals(command)
        const sessionSettings = { providers: parseProviders(opts.providers), threads: opts.threads }
        const { labelled: summary } = await withWorkbench(
          g,
          false,
          (wb) =>
            runJob(
              wb,
              'label.start',
              {
                model: opts.model,
                nBest: opts.nBest,
                beamWidth: opts.beam,
                ...(opts.lmWeight !== undefined
                  ? {
                      lm: {
                        weight: opts.lmWeight,
                        wordBonus: opts.wordBonus,
                        textFiles: (opts.lmText ?? []).map((f) => resolve(f)),
                      },
                    }
                  : {}),
              },
              progressBar(g.json, 'Labelling'),
            ),
          sessionSettings,
        )
        if (!summary) throw new SautiError('internal', 'labelling finished without a summary')
        if (g.json) out(JSON.stringify(summary))
        else {
          const rtf = summary.audioSec > 0 ? summary.totalMs / 1000 / summary.audioSec : 0
          out(
            `Labelled ${summary.labelled} utterance(s) (${(summary.audioSec / 60).toFixed(1)} min of audio) in ${(summary.totalMs / 1000).toFixed(1)} s on ${summary.provider ?? '-'}: real-time factor ${rtf.toFixed(3)}; ${summary.skipped} already labelled.`,
          )
          for (const a of summary.providerAttempts.filter((x) => !x.ok))
            err(`  ${a.name} not used: ${a.reason}`)
        }
        for (const f of summary.failed) err(`failed: utterance ${f.utteranceId}: ${f.message}`)
        if (summary.failed.length > 0) process.exitCode = exitCodes.rejected
      },
    )

  const model = program
    .command('model')
    .description('register, list and check speech models (docs/models.md)')
  const withInference = async <T>(run: (workers: InferenceWorkers) => Promise<T>): Promise<T> => {
    const workers = new InferenceWorkers(workerFactory(appRoot, 'inference'))
    try {
      return await run(workers)
    } finally {
      await workers.close()
    }
  }
  const printReport = (r: ModelReport): void => {
    out(
      `  input ${r.input.name} ${r.input.type} [${r.input.shape.join(', ')}]; outputs ${r.outputs.map((o) => o.name).join(', ')}`,
    )
    out(
      `  vocabulary ${r.vocabularySize} tokens; ${r.framesPerSecond.toFixed(1)} frames/s (${(r.frameStrideSec * 1000).toFixed(1)} ms stride)${r.hiddenSize ? `; hidden size ${r.hiddenSize}` : ''}`,
    )
    for (const h of r.heads.slice(1))
      out(`  head ${h.name}: output ${h.output}, ${h.vocabularySize} tokens`)
    out(`  runs on ${r.provider}; one-second probe ${r.probeMs.toFixed(0)} ms`)
    for (const a of r.providerAttempts) out(`    ${a.ok ? '✓' : '✗'} ${a.name}: ${a.reason}`)
    for (const w of r.warnings) err(`warning: ${w}`)
  }
  const providerOption = new Option(
    '--providers <list>',
    'execution providers to try, in order (CPU is always last)',
  ).default('cuda,webgpu,cpu')

  model
    .command('import')
    .description('validate a model package or a Hugging Face CTC export folder and register it')
    .argument('<dir>', 'folder with model.onnx and a vocabulary')
    .action(async (dir: string, _opts: unknown, command: Command) => {
      const g = globals(command)
      const { model: m, alreadyRegistered } = await withInference((w) =>
        importModel(g.dataDir, dir, w),
      )
      if (g.json)
        return out(
          JSON.stringify({
            id: m.id,
            alreadyRegistered,
            name: m.manifest.name,
            dir: m.dir,
            report: m.registration.report,
          }),
        )
      out(
        `${alreadyRegistered ? 'Already registered' : 'Registered'} ${m.manifest.name} as ${m.id} (${m.dir})`,
      )
      printReport(m.registration.report)
    })

  model
    .command('list')
    .description('registered models')
    .action(async (_opts: unknown, command: Command) => {
      const g = globals(command)
      const models = await listModels(g.dataDir)
      if (g.json)
        return out(
          JSON.stringify(
            models.map((m) => ({
              id: m.id,
              name: m.manifest.name,
              languages: m.manifest.languages,
              dir: m.dir,
              sha256: m.registration.sha256,
            })),
          ),
        )
      if (models.length === 0)
        return out(`No models registered in ${g.dataDir} yet (\`sauti model import <dir>\`).`)
      for (const m of models)
        out(
          `${m.id}\t${m.manifest.name}\t${m.registration.report.vocabularySize} tokens\t${m.manifest.languages.join(',') || '-'}`,
        )
    })

  model
    .command('check')
    .description(
      'validate a registered model (id) or a package folder again, and show which execution provider runs it',
    )
    .argument('<model>', 'registered model id, or a folder')
    .addOption(providerOption)
    .option('--threads <n>', 'intra-op threads (default: ONNX Runtime decides)', (v) =>
      parsePositive(v, 'threads'),
    )
    .addOption(
      new Option('--graph-optimization <level>', 'ONNX Runtime graph optimisation')
        .choices(['disabled', 'basic', 'extended', 'all'])
        .default('all'),
    )
    .action(
      async (
        key: string,
        opts: {
          providers: string
          threads?: number
          graphOptimization: 'disabled' | 'basic' | 'extended' | 'all'
        },
        command: Command,
      ) => {
        const g = globals(command)
        const dir = existsSync(key) ? resolve(key) : (await findModel(g.dataDir, key)).dir
        const providers = parseProviders(opts.providers)
        const report = await withInference((w) =>
          w.validate(dir, {
            providers,
            threads: opts.threads,
            graphOptimization: opts.graphOptimization,
          }),
        )
        if (g.json) return out(JSON.stringify(report))
        out(
          `${report.name}: valid (${(report.bytes / 1e6).toFixed(1)} MB, sha256 ${report.sha256.slice(0, 16)}…)`,
        )
        printReport(report)
      },
    )

  program
    .command('evaluate')
    .description(
      "score a model's hypotheses against the project's transcripts (--model), or two trn files (--ref, --hyp): WER, CER, confidence quality (docs/metrics.md)",
    )
    .option(
      '--model <id>',
      "the project's best hypotheses from this model against its reference transcripts",
    )
    .option(
      '--checkpoint <id>',
      "which of the model's heads: a checkpoint id, active (the one in use, else the base model) or base",
      'active',
    )
    .option('--split <split>', 'all | train | dev | test: which transcribed utterances', 'all')
    .option(
      '--ref <file>',
      'reference transcripts, NIST trn format: "text (utterance-id)" per line',
    )
    .option('--hyp <file>', 'hypotheses in the same format')
    .action(
      async (
        opts: { model?: string; ref?: string; hyp?: string; checkpoint: string; split: string },
        command: Command,
      ) => {
        const g = globals(command)
        const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-')
        if (opts.model) {
          const checkpoint =
            opts.checkpoint === 'active' || opts.checkpoint === 'base'
              ? opts.checkpoint
              : parsePositive(opts.checkpoint, '--checkpoint')
          if (!['all', 'train', 'dev', 'test'].includes(opts.split))
            throw new SautiError(
              'validation',
              `--split: "${opts.split}" is not all, train, dev or test`,
            )
          const model = opts.model
          const e = await withWorkbench(g, false, (wb) =>
            callOrThrow(wb, 'evaluate.project', {
              model,
              checkpoint,
              split: opts.split as 'all' | 'train' | 'dev' | 'test',
            }),
          )
          {
            if (g.json) return out(JSON.stringify(e))
            const head = e.checkpointId === null ? 'base model' : `checkpoint ${e.checkpointId}`
            out(
              `${e.model} (${head}) on ${e.utterances} utterance(s)${e.split === 'all' ? '' : ` of the ${e.split} split`} of project "${g.project}": WER ${pct(e.wer)}, CER ${pct(e.cer)}`,
            )
            for (const [title, rows] of [
              ['speaker', e.bySpeaker],
              ['language', e.byLanguage],
            ] as const) {
              out(`By ${title}:`)
              for (const r of rows)
                out(
                  `  ${r.key.padEnd(14)} ${String(r.utterances).padStart(5)} utt  WER ${pct(r.wer).padStart(7)}  CER ${pct(r.cer).padStart(7)}`,
                )
            }
            // Code-switching scores (docs/metrics.md): PIER shows switched words getting worse
            // even when WER improves.
            const cs = e.codeSwitching
            out(
              `MER ${pct(cs.mer.rate)}, transliteration-normalised WER ${pct(cs.translitWer.rate)}, PIER ${cs.pier.rate === null ? '-' : pct(cs.pier.rate)} (${cs.pier.n} points of interest)`,
            )
            out('By speaker group:                     utt      WER      CER      MER     PIER')
            for (const r of cs.byGroup)
              out(
                `  ${`${r.attribute}: ${r.value}`.padEnd(32)} ${String(r.utterances).padStart(5)} ${[r.wer.rate, r.cer.rate, r.mer.rate, r.pier.rate].map((x) => (x === null ? '-' : pct(x)).padStart(8)).join(' ')}`,
              )
            for (const r of cs.bySwitch)
              out(
                `  switch ${r.type.padEnd(12)} ${String(r.switches).padStart(4)} switches, error at the switch ${pct(r.errors.rate)}`,
              )
            const q = e.confidence
            const fmt = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3))
            out(
              `Word confidence (${q.words} words): AUC-ROC for wrong words ${fmt(q.aucRoc)}, ECE ${fmt(q.ece)}, NCE ${fmt(q.nce)}`,
            )
            if (e.unlabelled > 0)
              err(
                `warning: ${e.unlabelled} utterance(s) with a transcript have no hypothesis from ${e.model}; run \`sauti label\``,
              )
          }
          return
        }
        if (!opts.ref || !opts.hyp)
          throw new SautiError(
            'validation',
            'give --model <id>, or both --ref <file> and --hyp <file>',
          )
        const scores = scoreTranscripts(
          await readTrn(resolve(opts.ref)),
          await readTrn(resolve(opts.hyp)),
        )
        if (g.json) return out(JSON.stringify(scores))
        const c = scores.words
        out(
          `WER ${pct(scores.wer)} (${c.substitutions} substitutions, ${c.deletions} deletions, ${c.insertions} insertions; ${c.n} reference words)`,
        )
        out(
          `CER ${pct(scores.cer)} (${scores.chars.n} reference characters) over ${scores.utterances.length} utterances`,
        )
        if (scores.missing.length > 0)
          err(
            `warning: no hypothesis for ${scores.missing.length} utterance(s), scored as empty: ${scores.missing.slice(0, 5).join(', ')}`,
          )
        if (scores.extra.length > 0)
          err(`warning: ${scores.extra.length} hypothesis(es) without a reference were not scored`)
      },
    )
}
