/**
 * The file a trained adapter and head are saved in (docs/training.md, "Checkpoint file"):
 *
 *   0   8 bytes   magic "SAUTIAH1"
 *   8   4 bytes   header length H, uint32 little-endian
 *   12  H bytes   UTF-8 JSON header, padded with spaces so the tensors start 4-byte aligned
 *   12+H          float32 little-endian tensors, in the header's order, back to back
 *   end−32        sha256 of every byte before it
 *
 * The checksum is checked before anything is trusted, so a truncated or corrupted file is
 * refused with its name rather than loaded as slightly wrong weights.
 */
import { createHash } from 'node:crypto'
import { endianness } from 'node:os'
import { SautiError } from '../../../shared/errors'
import {
  checkShape,
  parameterCount,
  parameterLayout,
  type AdapterHeadParams,
  type AdapterHeadShape,
} from './adapter-head'

export const CHECKPOINT_MAGIC = 'SAUTIAH1'
export const CHECKPOINT_VERSION = 1
const PREFIX = 12
const DIGEST = 32

export interface CheckpointHeader {
  format: 'sauti-adapter-head'
  version: number
  shape: AdapterHeadShape
  dtype: 'float32-le'
  /** offset and length in bytes, from the start of the tensor data. */
  tensors: { name: string; dims: number[]; offset: number; length: number }[]
  meta: Record<string, unknown>
}

const littleEndian = endianness() === 'LE'

export function encodeCheckpoint(
  params: AdapterHeadParams,
  meta: Record<string, unknown> = {},
): Buffer {
  const layout = parameterLayout(params.shape)
  if (params.data.length !== parameterCount(params.shape))
    throw new RangeError('checkpoint: parameter array does not match its shape')
  const header: CheckpointHeader = {
    format: 'sauti-adapter-head',
    version: CHECKPOINT_VERSION,
    shape: { ...params.shape },
    dtype: 'float32-le',
    tensors: layout.map((t) => ({
      name: t.name,
      dims: t.dims,
      offset: t.offset * 4,
      length: t.length * 4,
    })),
    meta,
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8')
  const pad = (4 - ((PREFIX + json.length) % 4)) % 4
  if (pad > 0) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)])
  // Raw bytes, not setFloat32 per value, so the round trip is bit-exact (NaN payloads included).
  const floats = params.data instanceof Float32Array ? params.data : Float32Array.from(params.data)
  const data = Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength)
  const tensors = littleEndian ? Buffer.from(data) : Buffer.from(data).swap32()
  const prefix = Buffer.alloc(PREFIX)
  prefix.write(CHECKPOINT_MAGIC, 0, 'latin1')
  prefix.writeUInt32LE(json.length, 8)
  const body = Buffer.concat([prefix, json, tensors])
  const digest = createHash('sha256').update(body).digest()
  return Buffer.concat([body, digest])
}

function parseHeader(bytes: Buffer): CheckpointHeader | null {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'))
    return typeof value === 'object' && value !== null ? (value as CheckpointHeader) : null
  } catch {
    return null
  }
}

/** Reads a checkpoint, refusing anything that is not exactly what encodeCheckpoint wrote. */
export function decodeCheckpoint(
  buf: Buffer,
  fileNameForErrors: string,
): { params: AdapterHeadParams; meta: Record<string, unknown> } {
  const fail = (problem: string): never => {
    throw new SautiError('bad_input', `${fileNameForErrors}: ${problem}`)
  }
  if (buf.length >= 8 && buf.toString('latin1', 0, 8) !== CHECKPOINT_MAGIC)
    fail('not a Sauti adapter checkpoint (bad magic)')
  if (buf.length < PREFIX + DIGEST) fail(`truncated (${buf.length} bytes)`)
  const headerLength = buf.readUInt32LE(8)
  if (PREFIX + headerLength + DIGEST > buf.length)
    fail(`truncated: header of ${headerLength} bytes does not fit in ${buf.length} bytes`)
  const header = parseHeader(buf.subarray(PREFIX, PREFIX + headerLength))
  const dataStart = PREFIX + headerLength
  // The sizes the header declares say whether bytes are missing, before the checksum is tried.
  if (header && Array.isArray(header.tensors)) {
    const dataBytes = header.tensors.reduce((n, t) => n + (Number(t?.length) || 0), 0)
    const expected = dataStart + dataBytes + DIGEST
    if (buf.length < expected) fail(`truncated: ${buf.length} of ${expected} bytes`)
    if (buf.length > expected) fail(`${buf.length - expected} unexpected bytes after the data`)
  }
  const body = buf.subarray(0, buf.length - DIGEST)
  const digest = createHash('sha256').update(body).digest()
  if (!digest.equals(buf.subarray(buf.length - DIGEST)))
    fail('checksum mismatch (the file is corrupt)')
  if (!header) return fail('header is not valid JSON')
  if (header.format !== 'sauti-adapter-head' || header.dtype !== 'float32-le')
    fail(`unknown format ${String(header.format)} / ${String(header.dtype)}`)
  if (header.version !== CHECKPOINT_VERSION)
    fail(`format version ${String(header.version)} (this build reads ${CHECKPOINT_VERSION})`)
  const shape = header.shape
  try {
    checkShape(shape)
  } catch {
    fail(`bad shape ${JSON.stringify(shape)}`)
  }
  const layout = parameterLayout(shape)
  const tensors: unknown = header.tensors
  if (!Array.isArray(tensors)) return fail('header has no tensor list')
  if (tensors.length !== layout.length) fail(`${tensors.length} tensors, expected ${layout.length}`)
  layout.forEach((spec, i) => {
    const t = tensors[i] as CheckpointHeader['tensors'][number] | null
    if (typeof t !== 'object' || t === null) return fail(`tensor ${i} is not described`)
    const dims = Array.isArray(t.dims) ? t.dims.join('×') : String(t.dims)
    if (
      t.name !== spec.name ||
      dims !== spec.dims.join('×') ||
      t.offset !== spec.offset * 4 ||
      t.length !== spec.length * 4
    )
      fail(`tensor ${i} is ${t.name} [${dims}], expected ${spec.name} [${spec.dims.join('×')}]`)
  })
  const count = parameterCount(shape)
  if (body.length - dataStart !== count * 4)
    fail(`${body.length - dataStart} bytes of tensors, expected ${count * 4}`)
  // Copied into a fresh Float32Array: the Buffer's own offset need not be a multiple of 4.
  const data = new Float32Array(count)
  const bytes = Buffer.from(data.buffer)
  body.copy(bytes, 0, dataStart)
  if (!littleEndian) bytes.swap32()
  const meta =
    typeof header.meta === 'object' && header.meta !== null && !Array.isArray(header.meta)
      ? header.meta
      : {}
  return { params: { shape: { ...shape }, data }, meta }
}
