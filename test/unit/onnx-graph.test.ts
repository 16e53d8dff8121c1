import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { create } from '@bufbuild/protobuf'
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  NodeProtoSchema,
  TensorProtoSchema,
  ValueInfoProtoSchema,
  type GraphProto,
} from 'onnx-buf'
import { describe, expect, it } from 'vitest'
import { logMel, logMelSchema } from '../../src/main/core/asr/log-mel'
import { exposeHiddenStates, findCtcHead, readOnnx } from '../../src/main/core/asr/onnx-graph'
import { appRoot } from '../support/fixtures'

const architectures = join(appRoot, 'test/fixtures/models/architectures')
const graphOf = (folder: string): { bytes: Buffer; model: ReturnType<typeof readOnnx> } => {
  const bytes = readFileSync(join(architectures, folder, 'model.onnx'))
  return { bytes, model: readOnnx(bytes) }
}

describe('finding the CTC head of an export', () => {
  it.each([
    ['wav2vec2-tiny', 'logits', 'MatMul', false],
    ['mms-tiny', 'logits', 'MatMul', false],
    ['wav2vec2-tiny-int8', 'logits', 'MatMulInteger', false],
    ['conformer-tiny', 'logprobs', 'Conv', true],
  ])('%s: the %s come from a %s over the hidden states', (folder, logits, op, channelsFirst) => {
    const search = findCtcHead(graphOf(folder).model.graph!, logits)
    expect(search).toMatchObject({ found: true, head: { op, channelsFirst, dim: 32 } })
  })

  it('refuses logits that are the sum of two projections, and a name the graph lacks', () => {
    const { graph } = graphOf('two-heads').model
    expect(findCtcHead(graph!, 'logits')).toEqual({
      found: false,
      reason:
        'the logits come from Add "logits" of 2 computed tensors, not one linear layer plus a constant',
    })
    expect(findCtcHead(graph!, 'logprobs')).toEqual({
      found: false,
      reason: 'the graph has no output "logprobs"',
    })
  })

  it('appends the new output and node to the original bytes, which stay as they were', () => {
    const { bytes, model } = graphOf('conformer-tiny')
    const search = findCtcHead(model.graph!, 'logprobs')
    if (!search.found) throw new Error(search.reason)
    const edited = exposeHiddenStates(bytes, model, search.head, 'hidden_states')
    expect(Buffer.from(edited.bytes.subarray(0, bytes.length)).equals(bytes)).toBe(true)
    const graph = readOnnx(edited.bytes).graph!
    expect(graph.output.map((o) => o.name)).toEqual(['logprobs', 'hidden_states'])
    expect(graph.node.length).toBe(model.graph!.node.length + 1)
    expect(graph.node.at(-1)).toMatchObject({ opType: 'Transpose', output: ['hidden_states'] })
    expect(edited.edit).toMatchObject({ layout: '[batch, dim, frames] transposed', dim: 32 })
  })
})

/** A graph of nodes [op, inputs, output, transB?] with constant weights, for the search alone. */
function synthetic(
  nodes: [string, string[], string, number?][],
  constants: Record<string, number[]>,
): GraphProto {
  return create(GraphProtoSchema, {
    node: nodes.map(([opType, input, output, transB]) =>
      create(NodeProtoSchema, {
        opType,
        input,
        output: [output],
        attribute:
          transB === undefined
            ? []
            : [
                create(AttributeProtoSchema, {
                  name: 'transB',
                  type: AttributeProto_AttributeType.INT,
                  i: BigInt(transB),
                }),
              ],
      }),
    ),
    initializer: Object.entries(constants).map(([name, dims]) =>
      create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: 1 }),
    ),
    output: [create(ValueInfoProtoSchema, { name: 'logits' })],
  })
}

describe('other head shapes', () => {
  it('finds a Gemm head with a transposed weight, and the float input of a QDQ-quantised MatMul', () => {
    const gemm = synthetic(
      [
        ['Relu', ['x'], 'h'],
        ['Gemm', ['h', 'w', 'b'], 'logits', 1],
      ],
      { w: [40, 256], b: [40] },
    )
    expect(findCtcHead(gemm, 'logits')).toMatchObject({
      found: true,
      head: { op: 'Gemm', hidden: 'h', dim: 256, vocab: 40 },
    })
    const qdq = synthetic(
      [
        ['Relu', ['x'], 'h'],
        ['QuantizeLinear', ['h', 's', 'z'], 'hq'],
        ['DequantizeLinear', ['hq', 's', 'z'], 'hd'],
        ['DequantizeLinear', ['wq', 'ws', 'wz'], 'w'],
        ['MatMul', ['hd', 'w'], 'm'],
        ['Add', ['m', 'b'], 'logits'],
      ],
      { s: [], z: [], wq: [256, 40], ws: [], wz: [], b: [40] },
    )
    expect(findCtcHead(qdq, 'logits')).toMatchObject({
      found: true,
      head: { op: 'MatMul', hidden: 'h' },
    })
  })

  it('refuses a head whose weight is computed from the input, and logits from a non-linear op', () => {
    const computed = synthetic(
      [
        ['Relu', ['x'], 'h'],
        ['Transpose', ['h'], 'w'],
        ['MatMul', ['h', 'w'], 'logits'],
      ],
      {},
    )
    expect(findCtcHead(computed, 'logits')).toMatchObject({
      found: false,
      reason: expect.stringContaining('does not multiply hidden states by a constant weight'),
    })
    const tanh = synthetic(
      [
        ['MatMul', ['x', 'w'], 'm'],
        ['Tanh', ['m'], 'logits'],
      ],
      { w: [8, 4] },
    )
    expect(findCtcHead(tanh, 'logits')).toEqual({
      found: false,
      reason: 'the logits come from Tanh "logits", not from a linear layer over hidden states',
    })
  })
})

describe('the log-mel front end', () => {
  it("matches NeMo's preprocessing (computed in PyTorch by the fixture builder)", () => {
    const manifest = JSON.parse(
      readFileSync(join(architectures, 'conformer-tiny/model.json'), 'utf8'),
    ) as { features: unknown }
    const spec = logMelSchema.parse(manifest.features)
    const read = (file: string): Float32Array =>
      new Float32Array(new Uint8Array(readFileSync(join(architectures, file))).buffer)
    const features = logMel(read('conformer-probe.f32'), spec)
    const reference = read('conformer-features.f32')
    // One second: 101 frames of 10 ms, padded to 112 (a multiple of 16) with zeros.
    expect(features).toMatchObject({ mels: 80, frames: 112, validFrames: 101 })
    let worst = 0
    for (let i = 0; i < reference.length; i++)
      worst = Math.max(worst, Math.abs(reference[i]! - features.data[i]!))
    expect(worst).toBeLessThan(1e-3)
  })
})
