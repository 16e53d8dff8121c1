import type { ExportFormat } from '../../../../shared/domain'
import { normalizeForScoring } from '../../../../shared/text/normalize'
import type { OutFile } from '../../formats/corpus/model'
import { checkDataPy, sautiDataPy, trainCtcPy } from './huggingface-python'
import { nemoCheckDataPy, nemoExportPy } from './nemo-python'

/**
 * Fine-tuning recipes beside an export's Hugging Face and NeMo data (docs/training.md, "When a
 * project outgrows one machine"): the project's vocabulary and splits, a launch command for one
 * or many GPUs, a data check to run first, and the command that brings the result back to Sauti
 * as ONNX. Built from the files the export writes, so the recipe reads exactly what is there.
 */
export function fineTuningRecipes(formats: ExportFormat[], files: OutFile[]): OutFile[] {
  const out: OutFile[] = []
  const rows = (pattern: RegExp, field: string): string[] =>
    files
      .filter((f) => pattern.test(f.path) && typeof f.content === 'string')
      .flatMap((f) => (f.content as string).split('\n').filter(Boolean))
      .map((line) => String((JSON.parse(line) as Record<string, unknown>)[field] ?? ''))
  const splitsOf = (pattern: RegExp): string[] =>
    ['train', 'dev', 'test'].filter((s) =>
      files.some((f) => pattern.test(f.path) && f.path.includes(s)),
    )
  if (formats.includes('huggingface')) {
    const texts = rows(/^clips\/[^/]+\/metadata\.jsonl$/, 'transcription')
    if (texts.length)
      out.push(...huggingFaceRecipe(texts, splitsOf(/^clips\/[^/]+\/metadata\.jsonl$/)))
  }
  if (formats.includes('nemo')) {
    const texts = rows(/^nemo\/[^/]+_manifest\.jsonl$/, 'text')
    if (texts.length) out.push(...nemoRecipe(texts, splitsOf(/^nemo\/[^/]+_manifest\.jsonl$/)))
  }
  return out
}

const sortedCharacters = (texts: string[]): string[] =>
  [...new Set(texts.flatMap((t) => Array.from(t)))].filter((c) => c !== ' ').sort()

function huggingFaceRecipe(texts: string[], splits: string[]): OutFile[] {
  // Wav2Vec2CTCTokenizer's layout: the pad token is the CTC blank, | the word delimiter.
  const tokens = ['[PAD]', '[UNK]', '|', ...sortedCharacters(texts.map(normalizeForScoring))]
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]))
  const dir = 'recipes/huggingface'
  return [
    { path: `${dir}/vocab.json`, content: `${JSON.stringify(vocab, null, 1)}\n` },
    { path: `${dir}/sauti_data.py`, content: sautiDataPy },
    { path: `${dir}/check_data.py`, content: checkDataPy },
    { path: `${dir}/train_ctc.py`, content: trainCtcPy },
    {
      path: `${dir}/requirements.txt`,
      content: 'torch\ntransformers>=4.40\naccelerate\nsoundfile\nnumpy\n',
    },
    {
      path: `${dir}/README.md`,
      content: `# Fine-tuning a wav2vec2 / XLS-R / HuBERT / MMS CTC model on this export

The data: \`clips/<split>/metadata.jsonl\` (Hugging Face audiofolder) for ${splits.join(', ')}; the
vocabulary: \`vocab.json\` here (${tokens.length} tokens: [PAD] is the CTC blank, | separates words),
built from the transcripts normalised as Sauti scores them (lower case, punctuation removed).

\`\`\`sh
cd recipes/huggingface
python -m pip install -r requirements.txt
python check_data.py            # loads every split as training will; prints one JSON line
# one machine, 4 GPUs:
torchrun --nproc_per_node=4 train_ctc.py --model facebook/wav2vec2-xls-r-300m --output out
# MMS: only the language adapter and head (ISO 639-3 code):
torchrun --nproc_per_node=4 train_ctc.py --model facebook/mms-1b-all --target-lang swh --adapter-only --output out
# several machines: the same command on each, with
#   --nnodes=2 --node_rank=<0|1> --rdzv_backend=c10d --rdzv_endpoint=<first-host>:29500
\`\`\`

Back to Sauti (docs/models.md): the Trainer saves \`out/final\`; export it with optimum, then import
the folder (Sauti exposes the hidden states it needs for adaptation):

\`\`\`sh
optimum-cli export onnx --model out/final --task automatic-speech-recognition out/final-onnx
sauti model import out/final-onnx
\`\`\`
`,
    },
  ]
}

function nemoRecipe(texts: string[], splits: string[]): OutFile[] {
  const labels = [' ', ...sortedCharacters(texts)]
  const dir = 'recipes/nemo'
  const dataset = (split: string, shuffle: boolean): string =>
    `    manifest_filepath: ../../nemo/${split}_manifest.jsonl
    sample_rate: 16000
    labels: \${model.labels}
    batch_size: 16
    shuffle: ${shuffle}
    num_workers: 4
    max_duration: 30
    trim_silence: false
    normalize_transcripts: false`
  const config = `# NeMo CTC fine-tuning for this export, for NeMo's examples/asr/speech_to_text_finetune.py.
# The labels are every character of the manifests' transcripts, as written (check_data.py checks it).
name: sauti-finetune
init_from_pretrained_model: stt_en_conformer_ctc_small  # or init_from_nemo_model: /path/to/model.nemo
model:
  sample_rate: 16000
  labels: ${JSON.stringify(labels)}
  char_labels:
    update_labels: true
    labels: \${model.labels}
  train_ds:
${dataset('train', true)}
${splits.includes('dev') ? `  validation_ds:\n${dataset('dev', false)}\n` : ''}${splits.includes('test') ? `  test_ds:\n${dataset('test', false)}\n` : ''}  optim:
    name: adamw
    lr: 1e-4
    weight_decay: 1e-3
    sched:
      name: CosineAnnealing
      warmup_steps: 500
      min_lr: 1e-6
trainer:
  devices: -1
  num_nodes: 1
  accelerator: auto
  strategy: ddp
  max_epochs: 50
  precision: 16-mixed
  log_every_n_steps: 10
  enable_checkpointing: false
exp_manager:
  exp_dir: exp
  name: sauti-finetune
  create_checkpoint_callback: true
  checkpoint_callback_params:
    monitor: val_wer
    mode: min
    save_best_model: true
`
  return [
    { path: `${dir}/finetune_ctc.yaml`, content: config },
    { path: `${dir}/check_data.py`, content: nemoCheckDataPy },
    { path: `${dir}/export_onnx.py`, content: nemoExportPy },
    {
      path: `${dir}/README.md`,
      content: `# Fine-tuning a NeMo CTC model (conformer, citrinet, fastconformer) on this export

The data: \`nemo/<split>_manifest.jsonl\` for ${splits.join(', ')}; the labels (${labels.length}
characters) are in \`finetune_ctc.yaml\`, taken from the transcripts as written.

\`\`\`sh
cd recipes/nemo
python check_data.py     # reads the manifests as NeMo will; prints one JSON line
python <NeMo>/examples/asr/speech_to_text_finetune.py --config-path=$PWD --config-name=finetune_ctc \\
  trainer.devices=4 trainer.num_nodes=1
\`\`\`

Several machines: set \`trainer.num_nodes\` and launch on each as your cluster runs Lightning
(\`srun\` under SLURM, or torchrun with \`--nnodes\`). Back to Sauti (docs/models.md):

\`\`\`sh
python export_onnx.py exp/sauti-finetune/<run>/checkpoints/sauti-finetune.nemo onnx-out
sauti model import onnx-out
\`\`\`
`,
    },
  ]
}
