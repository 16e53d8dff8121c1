// fft.js (MIT, indutny) ships no type declarations: the part of its API that we use.
declare module 'fft.js' {
  type Numbers = number[] | Float64Array | Float32Array

  export default class FFT {
    /** `size` must be a power of two greater than 1. */
    constructor(size: number)
    readonly size: number
    createComplexArray(): number[]
    /** Fills `out` (interleaved re/im, 2 × size) with the first half (0…size/2) of the spectrum. */
    realTransform(out: Numbers, data: Numbers): void
    completeSpectrum(spectrum: Numbers): void
    transform(out: Numbers, data: Numbers): void
    inverseTransform(out: Numbers, data: Numbers): void
  }
}
