// Runs an exported model with the app's own onnxruntime-node over a list of utterances and
// writes the requested outputs, so that evaluate.py measures exactly what ships (float32 or
// int8) on the CPU provider the app uses.
// Usage: node run_onnx.cjs JOB.json
//   JOB = {model, threads, outputs: [name], outDir, items: [{id, file}]}   (file: float32 LE, 16 kHz)
// Writes outDir/<id>.<output>.f32 and outDir/shapes.json; prints {seconds, audioSeconds} as JSON.
'use strict'
const fs = require('fs')
const path = require('path')

const repo = path.resolve(__dirname, '..', '..', '..')
const ort = require(path.join(repo, 'node_modules', 'onnxruntime-node'))

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
  const session = await ort.InferenceSession.create(job.model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: job.threads || 2,
    interOpNumThreads: 1,
  })
  fs.mkdirSync(job.outDir, { recursive: true })
  const shapes = {}
  let seconds = 0
  let audioSeconds = 0
  for (const item of job.items) {
    const buf = fs.readFileSync(item.file)
    const audio = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4)
    const feeds = { input_values: new ort.Tensor('float32', audio, [1, audio.length]) }
    const t0 = process.hrtime.bigint()
    const res = await session.run(feeds, job.outputs)
    seconds += Number(process.hrtime.bigint() - t0) / 1e9
    audioSeconds += audio.length / 16000
    for (const name of job.outputs) {
      const t = res[name]
      fs.writeFileSync(
        path.join(job.outDir, `${item.id}.${name}.f32`),
        Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      )
      shapes[`${item.id}.${name}`] = t.dims
    }
  }
  fs.writeFileSync(path.join(job.outDir, 'shapes.json'), JSON.stringify(shapes))
  console.log(JSON.stringify({ seconds, audioSeconds }))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
