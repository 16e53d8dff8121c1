import { join } from 'node:path'
import type * as ort from 'onnxruntime-node'
import type { ModelReport } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { hashFile } from '../audio/prepare'
import { probeAudio } from './features'
import { modelInput } from './model-input'
import { readModelPackage, readVocabulary, type ModelManifest } from './model-package'
import { chooseSession, createCpuSession, type SessionSettings } from './providers'

type Metadata = ort.InferenceSession.ValueMetadata

function describe(m: Metadata): { name: string; type: string; shape: (number | string)[] } {
  return m.isTensor
    ? { name: m.name, type: m.type, shape: [...m.shape] }
    : { name: m.name, type: 'non-tensor', shape: [] }
}

/**
 * The graph's inputs against the manifest: the one input it names (float32 samples [batch,
 * samples], or features [batch, mels, frames] for a model with a front end), plus the
 * features' length input when the manifest names one. Returns the main input.
 */
function checkInputs(
  inputs: readonly Metadata[],
  manifest: ModelManifest,
  where: string,
  dir: string,
): Metadata {
  const features = manifest.features
  const expected = features
    ? `float32 [batch, ${features.layout === 'channels-first' ? 'mels, frames' : 'frames, mels'}] (${features.melBins} log-mel features)`
    : 'float32 [batch, samples] at 16 kHz'
  const input = inputs.find((m) => m.name === manifest.input)
  if (!input) {
    throw new SautiError(
      'bad_input',
      `${where}: takes ${inputs.map((m) => `"${m.name}"`).join(', ')}; a CTC speech model must take "${manifest.input}" (${expected}).`,
      { dir },
    )
  }
  const given = [manifest.input, ...(features?.lengthInput ? [features.lengthInput] : [])]
  const unknown = inputs.filter((m) => !given.includes(m.name))
  if (unknown.length > 0 || inputs.length !== given.length)
    throw new SautiError(
      'bad_input',
      `${where}: takes ${inputs.map((m) => `"${m.name}"`).join(', ')}; Sauti gives it ${given.map((n) => `"${n}"`).join(' and ')}${features ? '' : ' (a model whose input is features needs "features" in model.json, docs/models.md)'}.`,
      { dir },
    )
  const rank = features ? 3 : 2
  if (
    !input.isTensor ||
    input.type !== 'float32' ||
    (input.shape.length > 0 && input.shape.length !== rank)
  ) {
    const d = describe(input)
    throw new SautiError(
      'bad_input',
      `${where}: input "${input.name}" is ${d.type} [${d.shape.join(', ')}]; expected ${expected}.`,
      { dir },
    )
  }
  const length = inputs.find((m) => m.name === features?.lengthInput)
  if (length && (!length.isTensor || length.type !== 'int64'))
    throw new SautiError(
      'bad_input',
      `${where}: input "${length.name}" is ${describe(length).type}; expected int64 [batch] (each utterance's frames).`,
      { dir },
    )
  return input
}

/**
 * Validates a model package the way every model enters Sauti: reads its files, opens the ONNX
 * graph, checks input and output names, ranks and types, runs a one-second probe, checks each
 * vocabulary against its logits, and chooses the execution provider. Refusals say exactly
 * what is wrong. Runs in an inference worker: session.run blocks its thread.
 */
export async function validateModel(
  dir: string,
  settings: SessionSettings = {},
): Promise<ModelReport> {
  const pkg = await readModelPackage(dir)
  const { manifest } = pkg
  const modelPath = join(dir, 'model.onnx')
  const where = `${dir}/model.onnx`
  let cpu: ort.InferenceSession
  try {
    cpu = await createCpuSession(modelPath, settings)
  } catch (error) {
    throw new SautiError(
      'bad_input',
      `${where}: not a loadable ONNX model (${(error as Error).message.split('\n')[0]}).`,
      { dir },
    )
  }
  try {
    const warnings: string[] = []
    const input = checkInputs(cpu.inputMetadata, manifest, where, dir)
    const outputs = cpu.outputMetadata
    const requireOutput = (name: string, rank: number): Metadata => {
      const m = outputs.find((o) => o.name === name)
      if (!m)
        throw new SautiError(
          'bad_input',
          `${where}: has no output "${name}" (it has ${outputs.map((o) => `"${o.name}"`).join(', ')}).`,
          { dir },
        )
      if (!m.isTensor || m.type !== 'float32' || (m.shape.length > 0 && m.shape.length !== rank)) {
        const d = describe(m)
        throw new SautiError(
          'bad_input',
          `${where}: output "${name}" is ${d.type} [${d.shape.join(', ')}]; expected float32 with ${rank} dimensions.`,
          { dir },
        )
      }
      return m
    }
    requireOutput(manifest.outputs.logits, 3)
    const hiddenName = manifest.outputs.hiddenStates
    const hasHidden = hiddenName !== null && outputs.some((o) => o.name === hiddenName)
    if (hiddenName !== null && hasHidden) requireOutput(hiddenName, 3)
    else
      warnings.push(
        `no "${hiddenName ?? 'hidden_states'}" output: the model can label, but not be adapted on corrections`,
      )
    for (const head of manifest.heads) requireOutput(head.output, 3)

    const audio = probeAudio()
    const { feeds, shares } = modelInput(manifest, [audio])
    const started = performance.now()
    let result: ort.InferenceSession.ReturnType
    try {
      result = await cpu.run(feeds)
    } catch (error) {
      throw new SautiError(
        'bad_input',
        `${where}: failed on a one-second probe (${(error as Error).message.split('\n')[0]}).`,
        { dir },
      )
    }
    const probeMs = performance.now() - started
    const logits = result[manifest.outputs.logits]!
    const [batch, frames, vocab] = logits.dims as number[]
    if (batch !== 1 || !frames || !vocab) {
      throw new SautiError(
        'bad_input',
        `${where}: the probe's logits have shape [${logits.dims.join(', ')}]; expected [1, frames, vocabulary].`,
        { dir },
      )
    }
    if (vocab !== pkg.vocabulary.tokens.length) {
      throw new SautiError(
        'bad_input',
        `${dir}/${manifest.vocabulary} has ${pkg.vocabulary.tokens.length} tokens but the model's logits have ${vocab} per frame; the vocabulary does not belong to this model.`,
        { dir },
      )
    }
    const heads = [{ name: 'main', output: manifest.outputs.logits, vocabularySize: vocab }]
    for (const head of manifest.heads) {
      const size = (result[head.output]!.dims as number[])[2]!
      const headVocab = await readVocabulary(
        join(dir, head.vocabulary),
        head.blank,
        head.wordDelimiter,
      )
      if (size !== headVocab.tokens.length) {
        throw new SautiError(
          'bad_input',
          `${dir}/${head.vocabulary} has ${headVocab.tokens.length} tokens but output "${head.output}" has ${size} per frame.`,
          { dir },
        )
      }
      heads.push({ name: head.name, output: head.output, vocabularySize: size })
    }
    const framesPerSecond = (frames * shares[0]!) / (audio.length / 16000)
    if (manifest.frameStrideSec && Math.abs(manifest.frameStrideSec * framesPerSecond - 1) > 0.1) {
      warnings.push(
        `model.json says ${manifest.frameStrideSec} s per frame, the probe gives ${(1 / framesPerSecond).toFixed(4)} s`,
      )
    }
    const hiddenSize = hasHidden ? ((result[hiddenName!]!.dims as number[])[2] ?? null) : null

    const chosen = await chooseSession(
      modelPath,
      cpu,
      async (session) => (await session.run(feeds))[manifest.outputs.logits]!.data as Float32Array,
      settings,
    )
    if (chosen.session !== cpu) await chosen.session.release()
    const { sha256, byteSize: bytes } = await hashFile(modelPath)
    return {
      name: manifest.name,
      layout: pkg.layout,
      sha256,
      bytes,
      input: describe(input),
      outputs: outputs.map(describe),
      vocabularySize: vocab,
      framesPerSecond,
      frameStrideSec: manifest.frameStrideSec ?? 1 / framesPerSecond,
      hiddenSize,
      heads,
      provider: chosen.provider,
      providerAttempts: chosen.attempts,
      probeMs,
      warnings,
    }
  } finally {
    await cpu.release()
  }
}
