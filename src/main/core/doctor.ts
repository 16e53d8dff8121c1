import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { DoctorReport } from '../../shared/domain'
import { openDatabase, type OpenDatabaseOptions } from './db/connection'
import { latestSchemaVersion, schemaVersion } from './db/migrate'
import { listProjects } from './project/projects'
import { latestInference } from './asr/labeller'

const require = createRequire(import.meta.url)

export interface DoctorOptions extends OpenDatabaseOptions {
  version: string
  dataDir: string
}

/** What a user or a bug report needs to know about this installation. Reads, never writes. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const checks: DoctorReport['checks'] = []
  const electron = electronInfo()
  const ort = onnxruntimeInfo()
  checks.push({ name: 'electron', ok: electron.binary, detail: electron.detail })
  checks.push({ name: 'onnxruntime', ok: ort.version !== null, detail: ort.detail })

  const projects: DoctorReport['projects'] = []
  for (const ref of await listProjects(options.dataDir, options)) {
    try {
      const db = openDatabase(ref.dbPath, { ...options, inspectOnly: true })
      try {
        const result = (db.pragma('integrity_check') as { integrity_check: string }[])
          .map((r) => r.integrity_check)
          .join('; ')
        const version = schemaVersion(db)
        const inference = version >= 5 ? latestInference(db) : null
        projects.push({
          id: ref.id,
          dbPath: ref.dbPath,
          schemaVersion: version,
          integrity: result,
          inference,
        })
        checks.push({
          name: `project ${ref.id}`,
          ok: result === 'ok' && version <= latestSchemaVersion,
          detail: `schema v${version} (this build: v${latestSchemaVersion}), integrity ${result}`,
        })
      } finally {
        db.close()
      }
    } catch (error) {
      projects.push({
        id: ref.id,
        dbPath: ref.dbPath,
        schemaVersion: -1,
        integrity: (error as Error).message,
        inference: null,
      })
      checks.push({ name: `project ${ref.id}`, ok: false, detail: (error as Error).message })
    }
  }
  checks.push({ name: 'data folder', ok: existsSync(options.dataDir), detail: options.dataDir })

  return {
    versions: {
      sauti: options.version,
      node: process.versions.node,
      electron: electron.version,
      onnxruntime: ort.version,
    },
    executionProviders: ort.providers,
    dataDir: options.dataDir,
    projects,
    checks,
  }
}

function electronInfo(): { version: string | null; binary: boolean; detail: string } {
  if (process.versions.electron)
    return { version: process.versions.electron, binary: true, detail: 'running inside Electron' }
  try {
    const pkg = require('electron/package.json') as { version: string }
    const binary = existsSync(join(dirname(require.resolve('electron/package.json')), 'dist'))
    return {
      version: pkg.version,
      binary,
      detail: binary
        ? `Electron ${pkg.version} installed`
        : `Electron ${pkg.version} package present, binary not downloaded (see README, "Desktop app")`,
    }
  } catch {
    return {
      version: null,
      binary: false,
      detail: 'Electron is not installed (the CLI and `sauti serve` work without it)',
    }
  }
}

function onnxruntimeInfo(): {
  version: string | null
  detail: string
  providers: DoctorReport['executionProviders']
} {
  try {
    const pkg = require('onnxruntime-node/package.json') as { version: string }
    const ort = require('onnxruntime-node') as {
      listSupportedBackends(): { name: string; bundled: boolean }[]
    }
    const bindingDir = join(
      dirname(require.resolve('onnxruntime-node/package.json')),
      'bin',
      'napi-v6',
      process.platform,
      process.arch,
    )
    const providers = ort.listSupportedBackends().map(({ name, bundled }) => {
      if (bundled) return { name, available: true, detail: 'bundled with onnxruntime-node' }
      const lib = join(
        bindingDir,
        process.platform === 'win32'
          ? `onnxruntime_providers_${name}.dll`
          : `libonnxruntime_providers_${name}.so`,
      )
      const present = existsSync(lib)
      return {
        name,
        available: present,
        detail: present
          ? `provider library installed: ${lib}`
          : `provider library not installed (${lib}); see README, "GPU inference"`,
      }
    })
    return { version: pkg.version, detail: `onnxruntime-node ${pkg.version}`, providers }
  } catch (error) {
    return {
      version: null,
      detail: `onnxruntime-node failed to load: ${(error as Error).message}`,
      providers: [],
    }
  }
}
