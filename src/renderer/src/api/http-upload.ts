import { CallError, unwrap } from './call-error'

/**
 * Sends audio files from this computer to `sauti serve` (POST /upload, multipart), which imports
 * them with the same checks as files on its disk; resolves with the import job's id.
 */
export async function uploadAudio(files: readonly File[]): Promise<string> {
  const form = new FormData()
  for (const file of files) form.append('file', file, file.name)
  let response: Response
  try {
    response = await fetch('/upload', { method: 'POST', body: form, credentials: 'same-origin' })
  } catch (error) {
    throw new CallError('unavailable', `cannot reach the Sauti server (${String(error)})`)
  }
  const value = unwrap<{ jobId: string }>('upload', await response.json().catch(() => null))
  return value.jobId
}
