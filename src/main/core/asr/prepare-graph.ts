import { existsSync } from 'node:fs'
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, normalize } from 'node:path'
import { SautiError } from '../../../shared/errors'
import {
  exposeHiddenStates,
  externalDataFiles,
  findCtcHead,
  readOnnx,
  type HiddenStatesEdit,
} from './onnx-graph'

/** What registration did to a model's graph before validating it. */
export interface PreparedGraph {
  /** External data files the graph names, relative to its folder; copied beside it. */
  externalFiles: string[]
  /** The edit made (recorded in model.json's provenance), or null when none was needed. */
  edit: HiddenStatesEdit | null
  /** The hidden-states output the registered model has, or null: it labels but cannot adapt. */
  hiddenStates: string | null
  /** Why no hidden states could be exposed, in words; null when they were (or already were). */
  labellingOnlyBecause: string | null
}

/**
 * Copies `source` (an ONNX file) to `target`, exposing its CTC head's input as a hidden-states
 * output when the graph lacks one. The original file is only read. Runs in the inference worker:
 * parsing a large graph takes seconds.
 */
export async function prepareGraph(
  source: string,
  target: string,
  outputs: { logits: string; hiddenStates: string | null },
): Promise<PreparedGraph> {
  const bytes = await readFile(source)
  let model: ReturnType<typeof readOnnx>
  try {
    model = readOnnx(bytes)
  } catch (error) {
    // The protobuf reader's own words ("Offset is outside the bounds of the DataView") mean
    // nothing to a user: a read past the end is a file cut short.
    const why =
      error instanceof RangeError
        ? 'the file ends in the middle of a field: it was cut short, or it is not ONNX'
        : `it is not an ONNX protobuf: ${(error as Error).message.split('\n')[0]}`
    throw new SautiError('bad_input', `${source}: not a loadable ONNX model (${why}).`, {
      file: source,
    })
  }
  if (!model.graph)
    throw new SautiError('bad_input', `${source}: not a loadable ONNX model (it has no graph).`, {
      file: source,
    })
  const externalFiles = externalDataFiles(model)
  for (const file of externalFiles) {
    const inside = normalize(file)
    if (isAbsolute(inside) || inside.startsWith('..'))
      throw new SautiError(
        'bad_input',
        `${source}: names external data "${file}" outside its own folder; Sauti reads weights only from beside the model.`,
        { file: source },
      )
    if (!existsSync(join(dirname(source), inside)))
      throw new SautiError(
        'bad_input',
        `${source}: its weights are in the external data file "${file}", which is missing from ${dirname(source)} (copy the whole export folder).`,
        { file: source },
      )
  }
  const has = (name: string): boolean => model.graph!.output.some((o) => o.name === name)
  const plain = async (
    hiddenStates: string | null,
    because: string | null,
  ): Promise<PreparedGraph> => {
    await copyFile(source, target)
    return { externalFiles, edit: null, hiddenStates, labellingOnlyBecause: because }
  }
  if (outputs.hiddenStates === null)
    return plain(null, 'its manifest says it has no hidden-states output')
  if (has(outputs.hiddenStates)) return plain(outputs.hiddenStates, null)
  const search = findCtcHead(model.graph, outputs.logits)
  if (!search.found)
    return plain(null, `Sauti could not find its CTC head unambiguously: ${search.reason}`)
  const edited = exposeHiddenStates(bytes, model, search.head, outputs.hiddenStates)
  await writeFile(target, edited.bytes)
  return {
    externalFiles,
    edit: edited.edit,
    hiddenStates: edited.edit.output,
    labellingOnlyBecause: null,
  }
}
