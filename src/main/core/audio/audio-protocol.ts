import type { Spectrogram } from '../../../shared/domain'
import type { Call } from '../workers/protocol'
import type { EncodedFlac, FlacSpan } from './flac-encode'
import type { PreparedAudio } from './prepare'
import type { SpectrogramWindow } from './spectrogram'

/** The audio worker's calls (workers/audio.ts answers them). */
export interface AudioProtocol {
  hash: Call<{ path: string }, { sha256: string; byteSize: number }>
  prepare: Call<
    {
      path: string
      dirs: { audioDir: string; pcmDir: string; peaksDir: string; stagingDir: string }
    },
    PreparedAudio
  >
  spectrogram: Call<{ pcmPath: string; window: SpectrogramWindow }, Spectrogram>
  encodeFlac: Call<{ span: FlacSpan }, EncodedFlac>
}
