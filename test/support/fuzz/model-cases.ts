/**
 * Malformed model folders for the fuzz suite, from the tiny CTC fixture (a Hugging Face export):
 * broken or lying JSON, vocabularies that do not fit, graphs cut short or scrambled.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { appRoot } from '../fixtures'
import { type FuzzCase, latin1, type Random, scramble, text } from './random'

const fixture = join(appRoot, 'test/fixtures/models/tiny-ctc')
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(join(fixture, name)))
const names = ['config.json', 'model.onnx', 'preprocessor_config.json', 'vocab.json'] as const

/** The fixture's files, with `changes` applied (null removes a file). */
function folder(changes: Record<string, Uint8Array | null>): { path: string; bytes: Uint8Array }[] {
  const files = new Map<string, Uint8Array | null>(names.map((n) => [n, read(n)]))
  for (const [name, bytes] of Object.entries(changes)) files.set(name, bytes)
  return [...files]
    .filter((e): e is [string, Uint8Array] => e[1] !== null)
    .map(([name, bytes]) => ({ path: `model/${name}`, bytes }))
}

export const modelKind = 'model folder'

export function modelSeed(): FuzzCase {
  return {
    kind: modelKind,
    name: 'the seed, unchanged',
    lies: false,
    entry: 'model',
    files: folder({}),
  }
}

export function modelCases(r: Random, count: number): FuzzCase[] {
  const onnx = read('model.onnx')
  const vocab = JSON.parse(Buffer.from(read('vocab.json')).toString()) as Record<string, number>
  const ways: (() => {
    name: string
    lies: boolean
    changes: Record<string, Uint8Array | null>
  })[] = [
    () => ({ name: 'no model.onnx', lies: true, changes: { 'model.onnx': null } }),
    () => {
      const at = r.int(1, onnx.length - 1)
      return {
        name: `model.onnx cut at byte ${at}`,
        lies: true,
        changes: { 'model.onnx': onnx.slice(0, at) },
      }
    },
    () => ({
      name: 'model.onnx is random bytes',
      lies: true,
      changes: { 'model.onnx': Uint8Array.from({ length: r.int(1, 5000) }, () => r.int(0, 256)) },
    }),
    () => {
      const at = r.int(0, onnx.length - 16)
      // Weights changed are still a model (a worse one); structure changed is refused.
      return {
        name: `model.onnx bytes at ${at} scrambled`,
        lies: false,
        changes: { 'model.onnx': scramble(r, onnx, at, 8) },
      }
    },
    () => ({ name: 'no vocabulary', lies: true, changes: { 'vocab.json': null } }),
    () => ({
      name: 'vocab.json is not JSON',
      lies: true,
      changes: { 'vocab.json': text('{"a": 0, "b": ') },
    }),
    () => ({
      name: 'vocab.json in Latin-1',
      lies: true,
      changes: {
        'vocab.json': latin1(JSON.stringify({ ...vocab, 'caf\u00e9': Object.keys(vocab).length })),
      },
    }),
    () => ({
      name: 'vocab.json ids with a gap',
      lies: true,
      changes: { 'vocab.json': text(JSON.stringify({ ...vocab, zz: 999 })) },
    }),
    () => ({
      name: 'vocab.json without the blank token',
      lies: true,
      changes: {
        'vocab.json': text(
          JSON.stringify(
            Object.fromEntries(
              Object.entries(vocab)
                .filter(([, id]) => id !== 0)
                .map(([t], i) => [t, i]),
            ),
          ),
        ),
      },
    }),
    () => ({
      name: 'vocab.json with fewer tokens than the model outputs',
      lies: true,
      changes: {
        'vocab.json': text(JSON.stringify(Object.fromEntries(Object.entries(vocab).slice(0, 5)))),
      },
    }),
    () => ({
      name: 'config.json is not JSON',
      lies: true,
      changes: { 'config.json': text('{"model_type": "wav2vec2",') },
    }),
    () => ({
      name: 'config.json says another vocabulary size',
      lies: true,
      changes: {
        'config.json': text(
          JSON.stringify({ model_type: 'wav2vec2', vocab_size: 7, pad_token_id: 0 }),
        ),
      },
    }),
    () => ({
      name: 'config.json names a pad token outside the vocabulary',
      lies: true,
      changes: {
        'config.json': text(
          JSON.stringify({ model_type: 'wav2vec2', vocab_size: 29, pad_token_id: 400 }),
        ),
      },
    }),
    () => ({
      name: 'no config files at all',
      lies: true,
      changes: { 'config.json': null, 'preprocessor_config.json': null },
    }),
    () => ({
      name: 'preprocessor_config.json asks for 8 kHz',
      lies: true,
      changes: {
        'preprocessor_config.json': text(
          JSON.stringify({ sampling_rate: 8000, do_normalize: true }),
        ),
      },
    }),
    () => ({
      name: 'a model.json of the wrong format',
      lies: true,
      changes: {
        'model.json': text(
          JSON.stringify({ format: 'sauti-model/9', name: 'x', sampleRate: 16000 }),
        ),
      },
    }),
    () => ({
      name: 'a model.json with a control character in its name',
      lies: true,
      changes: {
        'model.json': text(
          JSON.stringify({
            format: 'sauti-model/1',
            name: 'tiny\u0000',
            sampleRate: 16000,
            blank: '<pad>',
          }),
        ),
      },
    }),
  ]
  const cases: FuzzCase[] = []
  for (let i = 0; i < count; i++) {
    const way = r.pick(ways)()
    cases.push({
      kind: modelKind,
      name: way.name,
      lies: way.lies,
      entry: 'model',
      files: folder(way.changes),
    })
  }
  return cases
}
