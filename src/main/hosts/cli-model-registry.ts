import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { Option } from 'commander'
import type { ModelReport } from '../../shared/domain'
import { pullRepository } from '../core/asr/hub'
import { InferenceWorkers } from '../core/asr/inference-workers'
import { findModel, importModel, listModels, modelSummary } from '../core/asr/model-store'
import { stepLabel } from '../core/jobs'
import { workerFactory } from './boot'
import {
  appRoot,
  err,
  globals,
  out,
  parsePositive,
  parseProviders,
  progressBar,
} from './cli-support'

/** The model registry's commands: model import|pull|list|check (docs/models.md). */
export function addModelRegistryCommands(program: Command): void {
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

  const printRegistered = (
    g: ReturnType<typeof globals>,
    { model: m, alreadyRegistered }: Awaited<ReturnType<typeof importModel>>,
  ): void => {
    if (g.json)
      return out(
        JSON.stringify({
          id: m.id,
          alreadyRegistered,
          name: m.manifest.name,
          dir: m.dir,
          canAdapt: modelSummary(m).canAdapt,
          provenance: m.manifest.provenance,
          report: m.registration.report,
        }),
      )
    out(
      `${alreadyRegistered ? 'Already registered' : 'Registered'} ${m.manifest.name} as ${m.id} (${m.dir})`,
    )
    for (const edit of (m.manifest.provenance.sautiEdits ?? []) as { from: string; head: string }[])
      out(`  exposed hidden_states: the input of its CTC head ${edit.head}, "${edit.from}"`)
    printReport(m.registration.report)
  }

  model
    .command('import')
    .description(
      'validate a model package or a Hugging Face / NeMo ONNX export folder and register it',
    )
    .argument('<dir>', 'folder with model.onnx and a vocabulary')
    .option(
      '--file <path>',
      'the ONNX file in the folder (default model.onnx, else onnx/model.onnx)',
    )
    .option('--language <code>', "which language's vocabulary, when vocab.json holds several (MMS)")
    .action(async (dir: string, opts: { file?: string; language?: string }, command: Command) => {
      const g = globals(command)
      printRegistered(
        g,
        await withInference((w) =>
          importModel(g.dataDir, dir, w, { file: opts.file, language: opts.language }),
        ),
      )
    })

  model
    .command('pull')
    .description(
      "download a hub repository's ONNX export (Hugging Face layout; resumable, checked by size and sha256, cached) and register it",
    )
    .argument('<repo>', 'repository id, owner/name')
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .option(
      '--file <path>',
      'the ONNX file in the repository (default onnx/model.onnx, else model.onnx)',
    )
    .option('--language <code>', "which language's vocabulary, when vocab.json holds several (MMS)")
    .option('--hub-url <url>', 'the hub (default $SAUTI_HUB_URL, else https://huggingface.co)')
    .option(
      '--token <token>',
      'a read token, for gated or private repositories (default $HF_TOKEN)',
    )
    .action(
      async (
        repo: string,
        opts: {
          revision: string
          file?: string
          language?: string
          hubUrl?: string
          token?: string
        },
        command: Command,
      ) => {
        const g = globals(command)
        const bar = progressBar(g.json, `Pulling ${repo}`, { lines: true })
        let pulled: Awaited<ReturnType<typeof pullRepository>>
        try {
          pulled = await pullRepository(
            join(g.dataDir, 'hub'),
            {
              repo,
              revision: opts.revision,
              file: opts.file,
              hubUrl: opts.hubUrl,
              token: opts.token ?? process.env.HF_TOKEN,
            },
            { onProgress: (done, total, step) => bar.update(done, total, stepLabel(step)) },
          )
        } finally {
          bar.stop()
        }
        if (!g.json)
          out(`Downloaded ${pulled.files.join(', ')} (commit ${pulled.commit}) to ${pulled.dir}`)
        printRegistered(
          g,
          await withInference((w) =>
            importModel(g.dataDir, pulled.dir, w, {
              file: pulled.file,
              language: opts.language,
              origin: pulled.origin,
            }),
          ),
        )
      },
    )

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
              version: m.manifest.version ?? null,
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
          `${m.id}\t${m.manifest.name}\t${m.manifest.version ?? '-'}\t${m.registration.report.vocabularySize} tokens\t${m.manifest.languages.join(',') || '-'}`,
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
}
