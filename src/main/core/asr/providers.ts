import * as ort from 'onnxruntime-node'
import type { ExecutionProviderName, ProviderAttempt } from '../../../shared/domain'

export interface SessionSettings {
  /** In order of preference; CPU is always tried last. */
  providers?: ExecutionProviderName[]
  /** Threads for one operator (intra-op); default: ONNX Runtime's choice. */
  threads?: number
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all'
}

export const defaultProviders: ExecutionProviderName[] = ['cuda', 'webgpu', 'cpu']

/** A GPU provider's logits may differ from CPU's by this much (relative to their range). */
export const PARITY_TOLERANCE = 1e-3

function options(
  settings: SessionSettings,
  provider: ExecutionProviderName,
): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: settings.graphOptimization ?? 'all',
    ...(settings.threads ? { intraOpNumThreads: settings.threads, interOpNumThreads: 1 } : {}),
    // Failed provider loads are reported in ProviderAttempt; keep ONNX Runtime's own log quiet.
    logSeverityLevel: 3,
  }
}

export function createCpuSession(
  modelPath: string,
  settings: SessionSettings = {},
): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelPath, options(settings, 'cpu'))
}

export interface ChosenSession {
  session: ort.InferenceSession
  provider: ExecutionProviderName
  attempts: ProviderAttempt[]
}

/**
 * Opens the model on the first provider that loads and agrees with CPU. onnxruntime-node
 * throws instead of falling back when a provider is missing, so each is tried explicitly, and
 * a GPU provider's output on the probe is compared with CPU's before it is trusted.
 */
export async function chooseSession(
  modelPath: string,
  cpu: ort.InferenceSession,
  probe: (session: ort.InferenceSession) => Promise<Float32Array>,
  settings: SessionSettings = {},
): Promise<ChosenSession> {
  const wanted = [
    ...(settings.providers ?? defaultProviders).filter((p) => p !== 'cpu'),
    'cpu' as const,
  ]
  const attempts: ProviderAttempt[] = []
  let reference: Float32Array | null = null
  for (const provider of wanted) {
    if (provider === 'cpu') {
      attempts.push({
        name: 'cpu',
        ok: true,
        reason: attempts.length ? 'fallback: no GPU provider was usable' : 'requested',
      })
      return { session: cpu, provider: 'cpu', attempts }
    }
    let session: ort.InferenceSession
    try {
      session = await ort.InferenceSession.create(modelPath, options(settings, provider))
    } catch (error) {
      attempts.push({
        name: provider,
        ok: false,
        reason: whyUnavailable(provider, (error as Error).message),
      })
      continue
    }
    try {
      reference ??= await probe(cpu)
      const output = await probe(session)
      const diff = maxDifference(reference, output)
      const range = Math.max(1, ...Array.from(reference, Math.abs))
      if (diff > PARITY_TOLERANCE * range) {
        attempts.push({
          name: provider,
          ok: false,
          reason: `outputs differ from CPU by ${diff.toExponential(2)} (tolerance ${(PARITY_TOLERANCE * range).toExponential(2)})`,
        })
        await session.release()
        continue
      }
      attempts.push({
        name: provider,
        ok: true,
        reason: `matches CPU within ${diff.toExponential(1)}`,
      })
      return { session, provider, attempts }
    } catch (error) {
      attempts.push({
        name: provider,
        ok: false,
        reason: `probe failed: ${firstLine((error as Error).message)}`,
      })
      await session.release().catch(() => undefined)
    }
  }
  throw new Error('unreachable: CPU is always tried')
}

/** ONNX Runtime's load errors in words a user can act on; anything else verbatim. */
export function whyUnavailable(provider: ExecutionProviderName, message: string): string {
  if (provider === 'cuda' && /providers_cuda|Cuda: Failed to load shared library/i.test(message)) {
    return 'CUDA provider not installed (libonnxruntime_providers_cuda.so is missing; see README, "GPU inference")'
  }
  const missing = /(lib(?:cudart|cublas|cublasLt|cudnn|cufft|curand)[\w.]*\.so[\d.]*)/.exec(message)
  if (provider === 'cuda' && missing)
    return `CUDA provider installed, but ${missing[1]} was not found: install the CUDA 12 runtime and cuDNN 9`
  if (provider === 'webgpu' && /WebGPU adapter/i.test(message))
    return 'no WebGPU adapter on this machine (no supported GPU or graphics driver)'
  return firstLine(message)
}

function firstLine(message: string): string {
  return (message.split('\n').find((l) => l.trim()) ?? message).trim().slice(0, 300)
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!))
  return max
}
