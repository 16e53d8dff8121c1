import { existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { ModelReport } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { InferenceWorkers } from './inference-workers'
import { readModelPackage, type ModelManifest } from './model-package'

/**
 * Registered models live once per data folder, shared by all projects, each in a folder named
 * by the first 12 hex digits of its model.onnx's sha256: `models/<id>/`. Registration
 * writes Sauti's model.json (converting a Hugging Face export's configuration).
 */
export interface RegisteredModel {
  id: string
  dir: string
  manifest: ModelManifest
  registration: { sha256: string; importedFrom: string; importedAt: string; report: ModelReport }
}

export const modelsDir = (dataDir: string): string => join(dataDir, 'models')

export async function importModel(
  dataDir: string,
  source: string,
  workers: InferenceWorkers,
): Promise<{ model: RegisteredModel; alreadyRegistered: boolean }> {
  const from = resolve(source)
  const report = await workers.validate(from)
  const id = report.sha256.slice(0, 12)
  const target = join(modelsDir(dataDir), id)
  if (existsSync(join(target, 'model.json')))
    return { model: await readRegistered(target), alreadyRegistered: true }

  const pkg = await readModelPackage(from)
  const manifest: ModelManifest = { ...pkg.manifest, frameStrideSec: report.frameStrideSec }
  const files = new Set([
    'model.onnx',
    manifest.vocabulary,
    ...manifest.heads.map((h) => h.vocabulary),
  ])
  // Large exports keep their weights beside the graph (model.onnx.data, model.onnx_data).
  for (const extra of ['model.onnx.data', 'model.onnx_data'])
    if (existsSync(join(from, extra))) files.add(extra)
  for (const card of ['MODEL_CARD.md', 'README.md', 'LICENSE'])
    if (existsSync(join(from, card))) files.add(card)
  const staging = `${target}.incoming-${process.pid}`
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging, { recursive: true })
  try {
    for (const file of files) await copyFile(join(from, file), join(staging, file))
    const registration = {
      sha256: report.sha256,
      importedFrom: from,
      importedAt: new Date().toISOString(),
      report,
    }
    await writeFile(
      join(staging, 'model.json'),
      JSON.stringify({ ...manifest, registration }, null, 2),
    )
    await rename(staging, target)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    const code = (error as NodeJS.ErrnoException).code
    throw new SautiError(
      'store',
      `${from}: could not register the model (${code === 'ENOSPC' ? 'the disk is full' : (error as Error).message}).`,
      { dir: from },
    )
  }
  return { model: await readRegistered(target), alreadyRegistered: false }
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

/** A registered model by id (or a unique id prefix, or its name). */
export async function findModel(dataDir: string, key: string): Promise<RegisteredModel> {
  const models = await listModels(dataDir)
  const matches = models.filter((m) => m.id.startsWith(key) || m.manifest.name === key)
  if (matches.length === 1) return matches[0]!
  if (matches.length === 0)
    throw new SautiError(
      'not_found',
      `no registered model "${key}" in ${modelsDir(dataDir)} (see \`sauti model list\`).`,
    )
  throw new SautiError(
    'validation',
    `"${key}" matches ${matches.length} models: ${matches.map((m) => m.id).join(', ')}; give more of the id.`,
  )
}
