import { existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { ModelReport, ModelSummary } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { hashFile } from '../audio/prepare'
import type { InferenceWorkers } from './inference-workers'
import {
  readModelPackage,
  readVocabulary,
  type ModelManifest,
  type ModelPackage,
} from './model-package'
import type { PreparedGraph } from './prepare-graph'

/**
 * Registered models live once per data folder, shared by all projects, each in a folder named
 * by the first 12 hex digits of the imported graph's sha256: `models/<id>/`. Registration
 * writes Sauti's model.json (converting a Hugging Face export's configuration); `sha256` is the
 * stored model.onnx's, which differs from the id's when Sauti exposed the hidden states.
 */
export interface RegisteredModel {
  id: string
  dir: string
  manifest: ModelManifest
  registration: { sha256: string; importedFrom: string; importedAt: string; report: ModelReport }
}

export const modelsDir = (dataDir: string): string => join(dataDir, 'models')

/** How a folder is imported: which graph, which language, and where it came from. */
export interface ImportOptions {
  /** The ONNX file's path in the folder; default model.onnx, else onnx/model.onnx (a hub repository's). */
  file?: string
  /** The language of a multilingual vocabulary (MMS's vocab.json) whose head the export carries. */
  language?: string
  /** Recorded in the manifest's provenance (a hub download: repository, revision, commit). */
  origin?: Record<string, unknown>
}

/**
 * Registers a model folder: its graph is copied into the store (with the CTC head's input
 * exposed as hidden_states when the export gives logits only, prepare-graph.ts), then the copy
 * is validated; only a model that passes is renamed into place, so a refusal leaves nothing.
 * The id is the original graph's sha256 prefix, so importing the same export again is a no-op.
 */
export async function importModel(
  dataDir: string,
  source: string,
  workers: InferenceWorkers,
  options: ImportOptions = {},
): Promise<{ model: RegisteredModel; alreadyRegistered: boolean }> {
  const from = resolve(source)
  const onnxFile =
    options.file ??
    (!existsSync(join(from, 'model.onnx')) && existsSync(join(from, 'onnx', 'model.onnx'))
      ? 'onnx/model.onnx'
      : 'model.onnx')
  const pkg = await readModelPackage(from, { onnxFile, language: options.language })
  const original = await hashFile(join(from, onnxFile))
  const id = original.sha256.slice(0, 12)
  const target = join(modelsDir(dataDir), id)
  // The same graph with another vocabulary (an MMS export imported for another language) is
  // not the registered model: it goes through validation, which says what does not fit.
  const existing = existsSync(join(target, 'model.json')) ? await readRegistered(target) : null
  if (existing && (await sameVocabulary(existing, pkg)))
    return { model: existing, alreadyRegistered: true }

  const staging = `${target}.incoming-${process.pid}`
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging, { recursive: true })
  try {
    const graph = join(from, onnxFile)
    const staged = join(staging, 'model.onnx')
    let prepared = await workers.prepare(graph, staged, pkg.manifest.outputs)
    for (const file of prepared.externalFiles) {
      await mkdir(dirname(join(staging, file)), { recursive: true })
      await copyFile(join(dirname(graph), file), join(staging, file))
    }
    await copyPackageFiles(pkg, from, staging)
    const manifestWith = (p: PreparedGraph): ModelManifest => ({
      ...pkg.manifest,
      outputs: { ...pkg.manifest.outputs, hiddenStates: p.hiddenStates },
      provenance: {
        ...pkg.manifest.provenance,
        ...(options.origin ?? {}),
        ...(onnxFile !== 'model.onnx' ? { onnxFile } : {}),
        ...(p.edit
          ? { sautiEdits: [{ ...p.edit, originalSha256: original.sha256, originalFile: onnxFile }] }
          : {}),
        ...(p.labellingOnlyBecause ? { labellingOnly: p.labellingOnlyBecause } : {}),
      },
    })
    await writeFile(join(staging, 'model.json'), JSON.stringify(manifestWith(prepared), null, 2))
    // Validation reads the staged copy; its report and refusals speak of the user's files.
    const validate = async (): Promise<ModelReport> => {
      try {
        return { ...(await workers.validate(staging)), layout: pkg.layout }
      } catch (error) {
        if (!(error instanceof SautiError)) throw error
        const named = (text: string): string =>
          text.replaceAll(staged, graph).replaceAll(staging, from)
        throw new SautiError(
          error.kind,
          named(error.message),
          error.details && { ...error.details, dir: from },
        )
      }
    }
    let report: ModelReport
    try {
      report = await validate()
    } catch (error) {
      if (!prepared.edit) throw error
      // The edited graph failed where the original might not: import that for labelling only.
      prepared = await workers.prepare(graph, staged, {
        ...pkg.manifest.outputs,
        hiddenStates: null,
      })
      prepared = {
        ...prepared,
        labellingOnlyBecause: `the hidden states Sauti exposed did not pass validation (${(error as Error).message})`,
      }
      await writeFile(join(staging, 'model.json'), JSON.stringify(manifestWith(prepared), null, 2))
      report = await validate()
    }
    if (prepared.labellingOnlyBecause)
      report.warnings.push(`labelling only: ${prepared.labellingOnlyBecause}`)
    const manifest: ModelManifest = {
      ...manifestWith(prepared),
      frameStrideSec: report.frameStrideSec,
    }
    const registration: RegisteredModel['registration'] = {
      sha256: report.sha256,
      importedFrom: from,
      importedAt: new Date().toISOString(),
      report,
    }
    await writeFile(
      join(staging, 'model.json'),
      JSON.stringify({ ...manifest, registration }, null, 2),
    )
    if (existing)
      throw new SautiError(
        'conflict',
        `${from}: its graph is registered already as ${id} with another vocabulary; remove ${target} to register it with this one.`,
        { dir: from },
      )
    await rename(staging, target)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    if (error instanceof SautiError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new SautiError(
      'store',
      `${from}: could not register the model (${code === 'ENOSPC' ? 'the disk is full' : (error as Error).message}).`,
      { dir: from },
    )
  }
  return { model: await readRegistered(target), alreadyRegistered: false }
}

async function sameVocabulary(registered: RegisteredModel, pkg: ModelPackage): Promise<boolean> {
  const { manifest, dir } = registered
  const tokens = (await readVocabulary(join(dir, manifest.vocabulary), manifest.blank, null)).tokens
  return tokens.join('\n') === pkg.vocabulary.tokens.join('\n')
}

/** The vocabularies (one language's of a multilingual one) and the model card, beside the graph. */
async function copyPackageFiles(pkg: ModelPackage, from: string, staging: string): Promise<void> {
  const { manifest } = pkg
  if (pkg.perLanguageVocabulary)
    await writeFile(
      join(staging, manifest.vocabulary),
      JSON.stringify(Object.fromEntries(pkg.vocabulary.tokens.map((t, i) => [t, i]))),
    )
  const files = new Set([
    ...(pkg.perLanguageVocabulary ? [] : [manifest.vocabulary]),
    ...manifest.heads.map((h) => h.vocabulary),
  ])
  for (const card of ['MODEL_CARD.md', 'README.md', 'LICENSE'])
    if (existsSync(join(from, card))) files.add(card)
  for (const file of files) await copyFile(join(from, file), join(staging, file))
}

/**
 * A registered model as the UI lists it: its heads, whether it adapts, what runs it;
 * `notWritten`: the project's languages it does not write.
 */
export function modelSummary(m: RegisteredModel, notWritten: string[] = []): ModelSummary {
  const { manifest, registration } = m
  const pulled = manifest.provenance.pulledFrom as { repo?: string; revision?: string } | undefined
  return {
    id: m.id,
    name: manifest.name,
    version: manifest.version ?? null,
    languages: manifest.languages,
    vocabularySize: registration.report.vocabularySize,
    layout: registration.report.layout,
    unit: manifest.unit,
    notWritten,
    heads: registration.report.heads,
    canAdapt: manifest.outputs.hiddenStates !== null && registration.report.hiddenSize !== null,
    labellingOnlyBecause:
      typeof manifest.provenance.labellingOnly === 'string'
        ? manifest.provenance.labellingOnly
        : registration.report.hiddenSize === null
          ? 'it has no hidden-states output'
          : null,
    edited: Array.isArray(manifest.provenance.sautiEdits),
    input: manifest.features ? 'log-mel' : 'samples',
    provider: registration.report.provider,
    source: pulled?.repo
      ? `${pulled.repo}@${pulled.revision ?? 'main'}`
      : registration.importedFrom,
  }
}

async function readRegistered(dir: string): Promise<RegisteredModel> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as ModelManifest & {
    registration: RegisteredModel['registration']
  }
  const { registration, ...manifest } = json
  return { id: dir.split(/[\\/]/).pop()!, dir, manifest, registration }
}

export async function listModels(dataDir: string): Promise<RegisteredModel[]> {
  const names = await readdir(modelsDir(dataDir)).catch(() => [] as string[])
  const models: RegisteredModel[] = []
  for (const name of names.filter((n) => /^[0-9a-f]{12}$/.test(n)).sort()) {
    try {
      models.push(await readRegistered(join(modelsDir(dataDir), name)))
    } catch {
      // A folder without a readable model.json is not a registered model.
    }
  }
  return models
}

/**
 * A registered model by id (or a unique id prefix), its name, or its name and version
 * (`name@version`): a new release of a model keeps its name, so both stay registered side by side.
 */
export async function findModel(dataDir: string, key: string): Promise<RegisteredModel> {
  const models = await listModels(dataDir)
  const named = (m: RegisteredModel): boolean =>
    m.manifest.name === key || `${m.manifest.name}@${m.manifest.version ?? ''}` === key
  const matches = models.filter((m) => m.id.startsWith(key) || named(m))
  if (matches.length === 1) return matches[0]!
  if (matches.length === 0)
    throw new SautiError(
      'not_found',
      `no registered model "${key}" in ${modelsDir(dataDir)} (see \`sauti model list\`).`,
    )
  const described = matches.map((m) =>
    m.manifest.version ? `${m.id} (${m.manifest.name}@${m.manifest.version})` : m.id,
  )
  throw new SautiError(
    'validation',
    `"${key}" matches ${matches.length} models: ${described.join(', ')}; give the id, more of it, or name@version.`,
  )
}
