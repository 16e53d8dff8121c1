/**
 * The contract's method and event names as plain strings, for the sandboxed preload, which
 * cannot load the schema library. test/unit/contract.test.ts checks they match the contract.
 */
export const methodNames = [
  'app.info',
  'app.doctor',
  'project.list',
  'project.summary',
  'recording.list',
  'recording.get',
  'recording.peaks',
  'utterance.list',
  'import.start',
  'model.list',
  'label.start',
  'annotator.list',
  'annotator.create',
  'project.setDefaultLanguage',
  'queue.list',
  'queue.facets',
  'utterance.get',
  'utterance.save',
  'utterance.setBounds',
  'utterance.split',
  'utterance.merge',
  'recording.spectrogram',
  'job.list',
  'job.cancel',
] as const

export const eventNameList = [
  'job.progress',
  'job.finished',
  'project.changed',
  'utterance.changed',
] as const

export const IPC_CALL_CHANNEL = 'sauti:call'
export const IPC_EVENT_CHANNEL = 'sauti:event'
export const MEDIA_SCHEME = 'sauti-media'
