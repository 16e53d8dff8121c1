import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { SautiError } from '../../../src/shared/errors'
import { initParams, type AdapterHeadParams } from '../../../src/main/core/train/adapter-head'
import {
  CHECKPOINT_MAGIC,
  decodeCheckpoint,
  encodeCheckpoint,
} from '../../../src/main/core/train/checkpoint-file'

const FILE = '/data/projects/p1/checkpoints/sw-3.sautiah'

function sample(): AdapterHeadParams {
  const params = initParams({ dim: 12, bottleneck: 4, vocab: 7 }, 5)
  // Values a float round trip through text or setFloat32 could alter.
  params.data[0] = -0
  params.data[1] = 1.4e-45
  params.data[2] = Math.fround(1 / 3)
  params.data[params.data.length - 1] = 3.4028234663852886e38
  return params
}

const meta = { vocabulary: ['<blank>', '|', 'a', 'ŋ'], note: 'Kiswahili', epochs: [1, 2] }

function thrown(fn: () => unknown): SautiError {
  try {
    fn()
  } catch (error) {
    if (error instanceof SautiError) return error
    throw error
  }
  throw new Error('did not throw')
}

/** Rewrites a checkpoint's header and recomputes its checksum (a well-formed wrong file). */
function withHeader(buf: Buffer, edit: (header: Record<string, unknown>) => void): Buffer {
  const length = buf.readUInt32LE(8)
  const header = JSON.parse(buf.subarray(12, 12 + length).toString('utf8'))
  edit(header)
  let json = Buffer.from(JSON.stringify(header))
  json = Buffer.concat([json, Buffer.alloc((4 - ((12 + json.length) % 4)) % 4, 0x20)])
  const prefix = Buffer.from(buf.subarray(0, 12))
  prefix.writeUInt32LE(json.length, 8)
  const body = Buffer.concat([prefix, json, buf.subarray(12 + length, buf.length - 32)])
  return Buffer.concat([body, createHash('sha256').update(body).digest()])
}

describe('checkpoint file', () => {
  it('round-trips parameters bit for bit, with shape and meta', () => {
    const params = sample()
    const buf = encodeCheckpoint(params, meta)
    const back = decodeCheckpoint(buf, FILE)
    expect(back.params.shape).toEqual(params.shape)
    expect(back.params.data).toBeInstanceOf(Float32Array)
    expect(Buffer.from(back.params.data.buffer).equals(Buffer.from(params.data.buffer))).toBe(true)
    expect(Object.is(back.params.data[0], -0)).toBe(true)
    expect(back.meta).toEqual(meta)
  })

  it('is laid out as documented: magic, header length, aligned JSON, tensors, sha256', () => {
    const params = sample()
    const buf = encodeCheckpoint(params, meta)
    expect(buf.subarray(0, 8).toString('latin1')).toBe(CHECKPOINT_MAGIC)
    const length = buf.readUInt32LE(8)
    expect((12 + length) % 4).toBe(0)
    const header = JSON.parse(buf.subarray(12, 12 + length).toString('utf8'))
    expect(header).toMatchObject({ format: 'sauti-adapter-head', version: 1, dtype: 'float32-le' })
    expect(header.tensors[0]).toEqual({
      name: 'adapter.norm.weight',
      dims: [12],
      offset: 0,
      length: 48,
    })
    expect(buf.length).toBe(12 + length + params.data.length * 4 + 32)
    expect(buf.readFloatLE(12 + length + 8)).toBe(params.data[2])
    const digest = createHash('sha256')
      .update(buf.subarray(0, buf.length - 32))
      .digest()
    expect(digest.equals(buf.subarray(buf.length - 32))).toBe(true)
  })

  it('writes the same bytes for the same parameters (a stable hash)', () => {
    expect(encodeCheckpoint(sample(), meta).equals(encodeCheckpoint(sample(), meta))).toBe(true)
  })

  it('refuses a flipped byte anywhere, naming the file', () => {
    const buf = encodeCheckpoint(sample(), meta)
    const length = buf.readUInt32LE(8)
    for (const at of [20, 12 + length + 10, buf.length - 40, buf.length - 1]) {
      const bad = Buffer.from(buf)
      bad[at] = bad[at]! ^ 0x10
      const error = thrown(() => decodeCheckpoint(bad, FILE))
      expect(error.kind).toBe('bad_input')
      expect(error.message.startsWith(`${FILE}: `)).toBe(true)
      expect(error.message).toMatch(/checksum mismatch|not valid JSON|truncated/)
    }
  })

  it('refuses a truncated file, naming the file', () => {
    const buf = encodeCheckpoint(sample(), meta)
    for (const keep of [0, 5, 11, 40, buf.length - 100, buf.length - 1]) {
      const error = thrown(() => decodeCheckpoint(buf.subarray(0, keep), FILE))
      expect(error.kind).toBe('bad_input')
      expect(error.message).toMatch(new RegExp(`^${FILE}: .*truncated`))
    }
  })

  it('refuses a file with bad magic, naming the file', () => {
    const buf = encodeCheckpoint(sample(), meta)
    buf.write('SAUTIAH2', 0, 'latin1')
    expect(() => decodeCheckpoint(buf, FILE)).toThrow(`${FILE}: not a Sauti adapter checkpoint`)
    expect(() => decodeCheckpoint(Buffer.from('RIFF....WAVEfmt '), FILE)).toThrow(/bad magic/)
  })

  it('refuses a header whose shape and tensors do not add up, even with a valid checksum', () => {
    const buf = encodeCheckpoint(sample(), meta)
    const wrongShape = withHeader(buf, (h) => {
      h.shape = { dim: 12, bottleneck: 5, vocab: 7 }
    })
    expect(() => decodeCheckpoint(wrongShape, FILE)).toThrow(`${FILE}: `)
    const swapped = withHeader(buf, (h) => {
      const t = h.tensors as { name: string }[]
      ;[t[0]!.name, t[1]!.name] = [t[1]!.name, t[0]!.name]
    })
    expect(() => decodeCheckpoint(swapped, FILE)).toThrow(/tensor 0 is adapter.norm.bias/)
    const future = withHeader(buf, (h) => {
      h.version = 2
    })
    expect(() => decodeCheckpoint(future, FILE)).toThrow(/format version 2/)
    const negative = withHeader(buf, (h) => {
      h.shape = { dim: -12, bottleneck: 4, vocab: 7 }
    })
    expect(() => decodeCheckpoint(negative, FILE)).toThrow(/bad shape/)
    for (const tensors of [null, 'x', [null, 1, 2, 3, 4, 5, 6, 7]]) {
      const garbled = withHeader(buf, (h) => {
        h.tensors = tensors
      })
      expect(thrown(() => decodeCheckpoint(garbled, FILE)).message).toMatch(
        new RegExp(`^${FILE}: `),
      )
    }
  })
})
