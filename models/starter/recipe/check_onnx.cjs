// Runs models/starter/model.onnx with the app's own onnxruntime-node and compares every
// output against the PyTorch reference tensors written by export.py (max abs diff <= 1e-4).
// Usage: node models/starter/recipe/check_onnx.cjs
'use strict'
const fs = require('fs')
const path = require('path')

const here = __dirname
const repo = path.resolve(here, '..', '..', '..')
const ort = require(path.join(repo, 'node_modules', 'onnxruntime-node'))
const refDir =
  process.env.REF_DIR ||
  path.join(process.env.SAUTI_RECIPE_DATA || path.join(here, '.data'), 'onnx_check')
const TOL = 1e-4

function readF32(file) {
  const buf = fs.readFileSync(path.join(refDir, file))
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4)
}

async function main() {
  const session = await ort.InferenceSession.create(
    process.env.MODEL || path.join(here, '..', 'model.onnx'),
  )
  console.log('inputs', session.inputNames, 'outputs', session.outputNames)
  const cases = JSON.parse(fs.readFileSync(path.join(refDir, 'cases.json'), 'utf8'))
  let worst = 0
  for (const c of cases) {
    const feeds = { input_values: new ort.Tensor('float32', readF32(c.input), c.shape) }
    const res = await session.run(feeds)
    for (const [name, ref] of Object.entries(c.outputs)) {
      const got = res[name]
      if (JSON.stringify(got.dims) !== JSON.stringify(ref.shape)) {
        throw new Error(`${name}: shape ${got.dims} != ${ref.shape}`)
      }
      const want = readF32(ref.file)
      let d = 0
      for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(want[i] - got.data[i]))
      worst = Math.max(worst, d)
      console.log(`input ${c.shape} ${name} ${got.dims} max|diff| ${d.toExponential(2)}`)
    }
  }
  if (worst > TOL) {
    console.error(`FAIL: max abs diff ${worst} > ${TOL}`)
    process.exit(1)
  }
  console.log(`OK: max abs diff ${worst.toExponential(2)} <= ${TOL}`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
