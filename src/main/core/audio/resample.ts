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
 * A streaming mono resampler on the Speex resampler (SpeexDSP, WebAssembly SIMD build). The
 * filter's delay is removed (skip_zeros at the start, zeros fed at the end), so output sample n
 * lines up with input time n / outRate, and the total length is round(n · out / in) whatever the
 * chunking.
 */
export class StreamResampler {
  private inputSamples = 0
  private outputSamples = 0
  private finished = false

  private constructor(
    private readonly m: SpeexModule,
    private readonly state: number,
    private readonly inRate: number,
    private readonly outRate: number,
    private readonly inPtr: number,
    private readonly outPtr: number,
    private readonly lenPtrs: number,
    private readonly outCapacity: number,
  ) {}

  static async create(inRate: number, outRate: number, quality = 5): Promise<StreamResampler> {
    const m = await speex()
    const errPtr = m._malloc(4)
    const state = m._speex_resampler_init(1, inRate, outRate, quality, errPtr)
    const err = m.HEAPU32[errPtr >> 2]
    m._free(errPtr)
    if (!state || err !== 0)
      throw new Error(`speex_resampler_init(${inRate} → ${outRate}) failed with code ${err}`)
    m._speex_resampler_skip_zeros(state)
    const outCapacity = Math.ceil((CHUNK * outRate) / inRate) + 64
    return new StreamResampler(
      m,
      state,
      inRate,
      outRate,
      m._malloc(CHUNK * 4),
      m._malloc(outCapacity * 4),
      m._malloc(8),
      outCapacity,
    )
  }

  /** Resamples the next piece of input; returns what the filter has ready. */
  process(input: Float32Array): Float32Array {
    this.inputSamples += input.length
    return this.run(input, Number.POSITIVE_INFINITY)
  }

  /** Flushes the filter's delay line and frees the resampler. */
  finish(): Float32Array {
    if (this.finished) return new Float32Array(0)
    const expected = Math.round((this.inputSamples * this.outRate) / this.inRate)
    const latency = this.m._speex_resampler_get_input_latency(this.state)
    const tail = this.run(new Float32Array(latency + 64), expected - this.outputSamples)
    this.destroy()
    return tail
  }

  destroy(): void {
    if (this.finished) return
    this.finished = true
    this.m._free(this.inPtr)
    this.m._free(this.outPtr)
    this.m._free(this.lenPtrs)
    this.m._speex_resampler_destroy(this.state)
  }

  private run(input: Float32Array, limit: number): Float32Array {
    const m = this.m
    const pieces: Float32Array[] = []
    let produced = 0
    for (let start = 0; start < input.length && produced < limit;) {
      const count = Math.min(CHUNK, input.length - start)
      m.HEAPF32.set(input.subarray(start, start + count), this.inPtr >> 2)
      m.HEAPU32[this.lenPtrs >> 2] = count
      m.HEAPU32[(this.lenPtrs >> 2) + 1] = this.outCapacity
      m._speex_resampler_process_float(
        this.state,
        0,
        this.inPtr,
        this.lenPtrs,
        this.outPtr,
        this.lenPtrs + 4,
      )
      const consumed = m.HEAPU32[this.lenPtrs >> 2] ?? 0
      const made = Math.min(m.HEAPU32[(this.lenPtrs >> 2) + 1] ?? 0, limit - produced)
      pieces.push(m.HEAPF32.slice(this.outPtr >> 2, (this.outPtr >> 2) + made))
      produced += made
      start += consumed
      if (consumed === 0 && made === 0) break
    }
    this.outputSamples += produced
    if (pieces.length === 1) return pieces[0]!
    const out = new Float32Array(produced)
    let at = 0
    for (const piece of pieces) {
      out.set(piece, at)
      at += piece.length
    }
    return out
  }
}

/** Resamples a whole signal at once (tests, small inputs). */
export async function resampleMono(
  input: Float32Array,
  inRate: number,
  outRate: number,
  quality = 5,
): Promise<Float32Array> {
  if (inRate === outRate) return input
  const resampler = await StreamResampler.create(inRate, outRate, quality)
  const head = resampler.process(input)
  const tail = resampler.finish()
  const out = new Float32Array(head.length + tail.length)
  out.set(head)
  out.set(tail, head.length)
  return out
}
