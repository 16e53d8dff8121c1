declare module '@echogarden/speex-resampler-wasm' {
  const factory: () => Promise<unknown>
  export default factory
}
