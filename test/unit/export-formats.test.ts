import { describe, expect, it } from 'vitest'
import { contract } from '../../src/shared/contract'
import { exportFormatFor } from '../../src/shared/domain'

const exportInput = (formats: string[]) =>
  contract['export.start'].input.safeParse({
    actorId: 1,
    use: 'annotation',
    dir: '/tmp/x',
    formats,
  })

describe('export format names', () => {
  it('accept the short and spelled-out forms people type, each format once', () => {
    expect(['hf', 'HF', 'Hugging-Face', 'huggingface', 'audiofolder'].map(exportFormatFor)).toEqual(
      Array(5).fill('huggingface'),
    )
    expect(['cv', 'Common Voice', 'common_voice', 'CommonVoice'].map(exportFormatFor)).toEqual(
      Array(4).fill('commonvoice'),
    )
    expect([exportFormatFor('elan'), exportFormatFor('praat'), exportFormatFor('Kaldi')]).toEqual([
      'eaf',
      'textgrid',
      'kaldi',
    ])
    const parsed = exportInput(['hf', 'cv', 'huggingface'])
    expect(parsed.success && parsed.data.formats).toEqual(['huggingface', 'commonvoice'])
  })

  it('say which names exist when one is unknown', () => {
    const parsed = exportInput(['kaldi', 'wav2vec'])
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['formats', 1],
      message:
        'no export format "wav2vec": the formats are kaldi, nemo, huggingface (hf), commonvoice (cv), csv, eaf, textgrid, vtt, srt',
    })
  })
})
