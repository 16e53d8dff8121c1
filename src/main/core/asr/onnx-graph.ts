import { create, fromBinary, toBinary } from '@bufbuild/protobuf'
import {
  AttributeProto_AttributeType,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProto_DataLocation,
  TensorProto_DataType,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  AttributeProtoSchema,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from 'onnx-buf'

/**
 * Reading an ONNX graph and exposing the input of its CTC head as a `hidden_states` output
 * (docs/models.md, "What Sauti edits"). Hugging Face and NeMo exports give logits only; the
 * adapter and head that Sauti trains need the encoder's last hidden states, which are exactly
 * what the final linear layer reads.
 */

export function readOnnx(bytes: Uint8Array): ModelProto {
  return fromBinary(ModelProtoSchema, bytes)
}

/** Files an ONNX model keeps its weights in beside the graph (external data), each named once. */
export function externalDataFiles(model: ModelProto): string[] {
  const files = new Set<string>()
  const graphs: GraphProto[] = model.graph ? [model.graph] : []
  for (const graph of graphs)
    for (const tensor of graph.initializer) {
      if (tensor.dataLocation !== TensorProto_DataLocation.EXTERNAL) continue
      const location = tensor.externalData.find((e) => e.key === 'location')?.value
      if (location) files.add(location)
    }
  return [...files]
}

/** The CTC head found: which tensor it reads, in which layout, and its weight. */
export interface CtcHead {
  /** The tensor the head reads: the encoder's last hidden states. */
  hidden: string
  /** True for [batch, dim, frames] (a Conv1d decoder, as NeMo's), false for [batch, frames, dim]. */
  channelsFirst: boolean
  op: string
  node: string
  weight: string
  dim: number | null
  vocab: number | null
}

export type HeadSearch = { found: true; head: CtcHead } | { found: false; reason: string }

/** Operations between the head and the logits output that change nothing Sauti cares about. */
const passThrough = new Set(['LogSoftmax', 'Softmax', 'Identity', 'Dropout', 'Cast'])

/**
 * Walks back from the logits output to the one linear layer that computes them (MatMul or Gemm
 * with a constant weight, plus a constant bias; its dynamically quantised form; or a
 * kernel-1 Conv1d followed by a transpose). Anything else, or more than one candidate, is
 * refused with the reason: a guess here would train adapters on the wrong tensor.
 */
export function findCtcHead(graph: GraphProto, logits: string): HeadSearch {
  const producer = new Map<string, NodeProto>()
  for (const node of graph.node) for (const out of node.output) producer.set(out, node)
  const initializers = new Map<string, TensorProto>(graph.initializer.map((t) => [t.name, t]))
  const constant = new Map<string, boolean>()
  const isConstant = (name: string): boolean => {
    if (initializers.has(name)) return true
    if (constant.has(name)) return constant.get(name)!
    const node = producer.get(name)
    constant.set(name, false)
    const result =
      !!node &&
      (node.opType === 'Constant' || (node.input.length > 0 && node.input.every(isConstant)))
    constant.set(name, result)
    return result
  }
  const refuse = (reason: string): HeadSearch => ({ found: false, reason })
  const describe = (node: NodeProto): string => `${node.opType} "${node.name || node.output[0]}"`
  const dims = (name: string): number[] | null => {
    const tensor = initializers.get(name)
    return tensor ? tensor.dims.map(Number) : null
  }
  /** A tensor's float source, stepping over the fake quantisation of a QDQ-format export. */
  const unquantised = (name: string): string => {
    const dq = producer.get(name)
    if (dq?.opType !== 'DequantizeLinear') return name
    const q = producer.get(dq.input[0]!)
    return q?.opType === 'QuantizeLinear' ? q.input[0]! : name
  }
  const found = (
    node: NodeProto,
    hidden: string,
    weight: string,
    channelsFirst: boolean,
    dimVocab: [number | null, number | null],
  ): HeadSearch => ({
    found: true,
    head: {
      hidden: unquantised(hidden),
      channelsFirst,
      op: node.opType,
      node: node.name || node.output[0]!,
      weight,
      dim: dimVocab[0],
      vocab: dimVocab[1],
    },
  })

  if (!graph.output.some((o) => o.name === logits))
    return refuse(`the graph has no output "${logits}"`)
  let name = logits
  let transposed = false
  for (let step = 0; step < 12; step++) {
    const node = producer.get(name)
    if (!node) return refuse(`"${name}" is not computed by any node of the graph`)
    const computed = node.input.filter((i) => i !== '' && !isConstant(i))
    if (passThrough.has(node.opType)) {
      name = node.input[0]!
      continue
    }
    if (node.opType === 'Transpose') {
      const perm = intsAttribute(node, 'perm')
      if (perm?.join(',') !== '0,2,1')
        return refuse(
          `the logits pass through ${describe(node)}, which is not a frames/channels swap`,
        )
      transposed = !transposed
      name = node.input[0]!
      continue
    }
    if (node.opType === 'Add' || (node.opType === 'Mul' && !isQuantisedProduct(node, producer))) {
      if (computed.length !== 1)
        return refuse(
          `the logits come from ${describe(node)} of ${computed.length} computed tensors, not one linear layer plus a constant`,
        )
      name = computed[0]!
      continue
    }
    if (transposed && node.opType !== 'Conv')
      return refuse(
        `the logits are transposed after ${describe(node)}, which is not a Conv1d decoder`,
      )
    switch (node.opType) {
      case 'MatMul': {
        const [a, w] = [node.input[0]!, node.input[1]!]
        if (!isConstant(w) || isConstant(a))
          return refuse(`${describe(node)} does not multiply hidden states by a constant weight`)
        const d = dims(w)
        return found(node, a, w, false, d?.length === 2 ? [d[0]!, d[1]!] : [null, null])
      }
      case 'Gemm': {
        const [a, w] = [node.input[0]!, node.input[1]!]
        if (!isConstant(w) || isConstant(a) || intAttribute(node, 'transA'))
          return refuse(`${describe(node)} does not multiply hidden states by a constant weight`)
        const d = dims(w)
        const transB = intAttribute(node, 'transB') === 1
        return found(
          node,
          a,
          w,
          false,
          d?.length === 2 ? (transB ? [d[1]!, d[0]!] : [d[0]!, d[1]!]) : [null, null],
        )
      }
      case 'Mul': {
        // Dynamic int8 (onnxruntime's quantize_dynamic): Mul(Cast(MatMulInteger(DQL(h), Wq)), scale).
        const integer = integerProduct(node, producer)!
        const dql = producer.get(integer.input[0]!)
        const w = integer.input[1]!
        if (dql?.opType !== 'DynamicQuantizeLinear' || !isConstant(w))
          return refuse(`${describe(integer)} does not read dynamically quantised hidden states`)
        const d = dims(w)
        return found(
          integer,
          dql.input[0]!,
          w,
          false,
          d?.length === 2 ? [d[0]!, d[1]!] : [null, null],
        )
      }
      case 'MatMulIntegerToFloat': {
        const dql = producer.get(node.input[0]!)
        const w = node.input[1]!
        if (dql?.opType !== 'DynamicQuantizeLinear' || !isConstant(w))
          return refuse(`${describe(node)} does not read dynamically quantised hidden states`)
        const d = dims(w)
        return found(node, dql.input[0]!, w, false, d?.length === 2 ? [d[0]!, d[1]!] : [null, null])
      }
      case 'Conv': {
        const [a, w] = [node.input[0]!, node.input[1]!]
        const d = dims(w)
        const pointwise = d?.length === 3 && d[2] === 1 && (intAttribute(node, 'group') ?? 1) === 1
        if (!transposed || !isConstant(w) || isConstant(a) || !pointwise)
          return refuse(
            `${describe(node)} is not a kernel-1 Conv1d decoder whose output is transposed to [batch, frames, vocabulary]`,
          )
        return found(node, a, w, true, [d[1]!, d[0]!])
      }
      default:
        return refuse(
          `the logits come from ${describe(node)}, not from a linear layer over hidden states`,
        )
    }
  }
  return refuse('no linear layer within 12 operations of the logits')
}

function intAttribute(node: NodeProto, name: string): number | null {
  const a = node.attribute.find((x) => x.name === name)
  return a ? Number(a.i) : null
}

function intsAttribute(node: NodeProto, name: string): number[] | null {
  const a = node.attribute.find((x) => x.name === name)
  return a ? a.ints.map(Number) : null
}

function integerProduct(node: NodeProto, producer: Map<string, NodeProto>): NodeProto | null {
  for (const input of node.input) {
    const cast = producer.get(input)
    if (cast?.opType !== 'Cast') continue
    const integer = producer.get(cast.input[0]!)
    if (integer?.opType === 'MatMulInteger') return integer
  }
  return null
}

function isQuantisedProduct(node: NodeProto, producer: Map<string, NodeProto>): boolean {
  return integerProduct(node, producer) !== null
}

/** What Sauti changed in a model's graph, as recorded in model.json's provenance. */
export interface HiddenStatesEdit {
  edit: 'expose-hidden-states'
  output: string
  from: string
  layout: '[batch, frames, dim]' | '[batch, dim, frames] transposed'
  head: string
  dim: number | null
}

/**
 * The model with the head's input added as an output named `output` (or a free variant of
 * it). The patch is a second, small ModelProto appended to the original bytes: protobuf merges
 * a repeated message field, so the graph gains one node and one output while every original
 * byte stays as it was (re-encoding through a proto3 schema would drop zero-valued attributes).
 */
export function exposeHiddenStates(
  bytes: Uint8Array,
  model: ModelProto,
  head: CtcHead,
  output: string,
): { bytes: Uint8Array; edit: HiddenStatesEdit } {
  const graph = model.graph!
  const taken = new Set<string>([
    ...graph.node.flatMap((n) => n.output),
    ...graph.input.map((i) => i.name),
    ...graph.initializer.map((i) => i.name),
  ])
  let name = output
  for (let k = 2; taken.has(name); k++) name = `${output}_${k}`
  const node = head.channelsFirst
    ? create(NodeProtoSchema, {
        opType: 'Transpose',
        name: 'sauti_expose_hidden_states',
        input: [head.hidden],
        output: [name],
        attribute: [
          create(AttributeProtoSchema, {
            name: 'perm',
            type: AttributeProto_AttributeType.INTS,
            ints: [0n, 2n, 1n],
          }),
        ],
      })
    : create(NodeProtoSchema, {
        opType: 'Identity',
        name: 'sauti_expose_hidden_states',
        input: [head.hidden],
        output: [name],
      })
  const dimension = (
    value: string | number,
  ): ReturnType<typeof create<typeof TensorShapeProto_DimensionSchema>> =>
    create(TensorShapeProto_DimensionSchema, {
      value:
        typeof value === 'number'
          ? { case: 'dimValue', value: BigInt(value) }
          : { case: 'dimParam', value },
    })
  const valueInfo = create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType: TensorProto_DataType.FLOAT,
          shape: create(TensorShapeProtoSchema, {
            dim: [dimension('batch'), dimension('frames'), dimension(head.dim ?? 'hidden_size')],
          }),
        }),
      },
    }),
  })
  const patch = toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      graph: create(GraphProtoSchema, { node: [node], output: [valueInfo] }),
    }),
  )
  const edited = new Uint8Array(bytes.length + patch.length)
  edited.set(bytes, 0)
  edited.set(patch, bytes.length)
  return {
    bytes: edited,
    edit: {
      edit: 'expose-hidden-states',
      output: name,
      from: head.hidden,
      layout: head.channelsFirst ? '[batch, dim, frames] transposed' : '[batch, frames, dim]',
      head: `${head.op} "${head.node}" (weight "${head.weight}"${head.dim && head.vocab ? `, ${head.dim} → ${head.vocab}` : ''})`,
      dim: head.dim,
    },
  }
}
