import SpeexResamplerModule from '@echogarden/speex-resampler-wasm/simd'

interface SpeexModule {
  _malloc(bytes: number): number
  _free(ptr: number): void
  _speex_resampler_init(
    channels: number,
    inRate: number,
    outRate: number,
    quality: number,
    errPtr: number,
  ): number
  _speex_resampler_destroy(state: number): void
  _speex_resampler_skip_zeros(state: number): number
  _speex_resampler_get_input_latency(state: number): number
  _speex_resampler_process_float(
    state: number,
    channel: number,
    inPtr: number,
    inLenPtr: number,
    outPtr: number,
    outLenPtr: number,
  ): number
  HEAPF32: Float32Array
  HEAPU32: Uint32Array
}

let modulePromise: Promise<SpeexModule> | undefined

function speex(): Promise<SpeexModule> {
  modulePromise ??= (SpeexResamplerModule as () => Promise<SpeexModule>)()
  return modulePromise
}

const CHUNK = 1 << 16

/**
 * Resamples mono audio with the Speex resampler (SpeexDSP, compiled to WASM). The filter's
 * delay is removed (skip_zeros at the start, zeros fed at the end), so sample n of the output
 * lines up with time n / outRate of the input and the length is round(n · out / in).
 */
export async function resampleMono(
  input: Float32Array,
  inRate: number,
  outRate: number,
  quality = 5,
): Promise<Float32Array> {
  if (inRate === outRate) return input
  const m = await speex()
  const expected = Math.round((input.length * outRate) / inRate)
  const output = new Float32Array(expected)
  const errPtr = m._malloc(4)
  const state = m._speex_resampler_init(1, inRate, outRate, quality, errPtr)
  const err = m.HEAPU32[errPtr >> 2]
  m._free(errPtr)
  if (!state || err !== 0)
    throw new Error(`speex_resampler_init(${inRate} → ${outRate}) failed with code ${err}`)
  const outCapacity = Math.ceil((CHUNK * outRate) / inRate) + 64
  const inPtr = m._malloc(CHUNK * 4)
  const outPtr = m._malloc(outCapacity * 4)
  const lenPtrs = m._malloc(8)
  try {
    m._speex_resampler_skip_zeros(state)
    const latency = m._speex_resampler_get_input_latency(state)
    const padded = input.length + latency
    let written = 0
    for (let start = 0; start < padded && written < expected;) {
      const count = Math.min(CHUNK, padded - start)
      const heapIn = m.HEAPF32.subarray(inPtr >> 2, (inPtr >> 2) + count)
      const real = Math.max(0, Math.min(count, input.length - start))
      heapIn.set(input.subarray(start, start + real))
      heapIn.fill(0, real)
      m.HEAPU32[lenPtrs >> 2] = count
      m.HEAPU32[(lenPtrs >> 2) + 1] = outCapacity
      m._speex_resampler_process_float(state, 0, inPtr, lenPtrs, outPtr, lenPtrs + 4)
      const consumed = m.HEAPU32[lenPtrs >> 2] ?? 0
      const produced = Math.min(m.HEAPU32[(lenPtrs >> 2) + 1] ?? 0, expected - written)
      output.set(m.HEAPF32.subarray(outPtr >> 2, (outPtr >> 2) + produced), written)
      written += produced
      start += consumed
      if (consumed === 0 && produced === 0) break
    }
    return output
  } finally {
    m._free(inPtr)
    m._free(outPtr)
    m._free(lenPtrs)
    m._speex_resampler_destroy(state)
  }
}
