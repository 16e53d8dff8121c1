import { open, stat } from 'node:fs/promises'
import * as ort from 'onnxruntime-node'

export {
  defaultVadOptions,
  segmentsFromProbabilities,
  type Segment,
  type VadOptions,
} from './vad-segments'

/** Silero VAD v5 at 16 kHz: 512 new samples a frame, with the previous 64 as context. */
const FRAME = 512
const CONTEXT = 64
const SAMPLE_RATE = 16000

/** Speech probability per 32 ms frame of a 16 kHz float32 file, read in pieces. */
export async function speechProbabilities(
  session: ort.InferenceSession,
  pcmPath: string,
  onProgress?: (fraction: number) => void,
): Promise<Float32Array> {
  const total = Math.floor((await stat(pcmPath)).size / 4)
  const frames = Math.ceil(total / FRAME)
  const probs = new Float32Array(frames)
  let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128])
  const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(SAMPLE_RATE)]), [])
  const handle = await open(pcmPath, 'r')
  const block = FRAME * 2048
  const bytes = new Uint8Array(block * 4)
  let context = new Float32Array(CONTEXT)
  try {
    for (let start = 0, frame = 0; start < total; start += block) {
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, start * 4)
      const samples = new Float32Array(bytes.buffer, 0, Math.floor(bytesRead / 4))
      for (let at = 0; at < samples.length; at += FRAME, frame++) {
        const input = new Float32Array(CONTEXT + FRAME)
        input.set(context)
        input.set(samples.subarray(at, at + FRAME), CONTEXT)
        const out = await session.run({
          input: new ort.Tensor('float32', input, [1, input.length]),
          state,
          sr,
        })
        probs[frame] = (out.output!.data as Float32Array)[0]!
        state = out.stateN!
        context = input.slice(FRAME)
      }
      onProgress?.(Math.min(1, (start + block) / total))
    }
  } finally {
    await handle.close()
  }
  return probs
}
