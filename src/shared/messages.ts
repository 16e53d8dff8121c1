/**
 * The messages of the core that people reach most, by key: the English text (what the CLI
 * prints, word for word) with {named} arguments. An error made with one carries its key and
 * arguments beside the text, so the UI shows it in the interface language
 * (src/renderer/src/i18n/areas/errors.<locale>.json; the English UI uses these templates).
 * Keys are single words and templates avoid vue-i18n's special characters (@ $ |), so the
 * renderer can use them as they are; test/unit/server-messages.test.ts checks both.
 */
export const serverMessages = {
  fileMissing: '{path}: no such file or folder.',
  exportFolderMissing: '{path}: no such folder to export into.',
  exportFolderNotEmpty:
    '{path} is not empty: choose a new folder, so no earlier export is mixed with this one.',
  backupFolderNotEmpty: '{path} is not empty: back up into a new folder',
  savedElsewhere: 'utterance {id} was saved elsewhere (by {who}) since this editor opened it',
  unknownCall: 'no such call: {method}',
  invalidInput: 'invalid input for {method}: {problems}',
  needsRole: '{method} needs {neededArticle} {needed}; "{login}" is {roleArticle} {role}',
  ownerOnly: "{method} is for the server's owner, on the server itself",
  notYourJob:
    '"{login}" may not cancel "{job}": only the one who started it ({starter}) or a lead can',
  serverJob:
    '"{login}" may not cancel "{job}": the server started it, and only a lead can cancel it',
  accountDisabled: 'this account is disabled: ask an admin',
  unknownProfile: 'no annotator profile with id {id}: choose your profile first.',
  tierNameReserved:
    'a tier cannot be named "{name}": the ELAN and Praat exports use utterance, word, words and language for their own tiers. Choose another name.',
  trainingRunningHere:
    'training already running in process {pid} (this one); wait for it or cancel it.',
  trainingRunningThere:
    'training already running in process {pid} (since {since}); wait for it or cancel it there.',
  trainingRunningIn: 'training already running in process {pid}; wait for it or cancel it there.',
  trainingRunning:
    'a training is running: wait for it (or cancel it) before changing the checkpoint in use.',
  scoringRunning: 'two models are already being scored: wait for that job (or cancel it) first.',
  // What a background job is doing, as the status bar and a refusal that names a job say it.
  importJob: 'Import {path}',
  importJobs: 'Import {n} paths',
  annotationJob: 'Import annotation {path}',
  annotationJobs: 'Import {n} annotation files',
  labelJob: 'Label with {model}',
  trainJob: 'Adapting the model',
  autoTrainJob: 'Adapting the model (automatic)',
  exportJob: 'Export for {use} to {dir}',
  scoreJob: 'Score {a} and {b} on the {split} split',
  baseModelName: 'the base model',
  checkpointName: 'checkpoint {id}',
  modelImportJob: 'Import the model in {dir}',
  modelPullJob: 'Pull {repo}',
  checkingModel: 'Checking the model',
  downloading: 'Downloading {name}',
  downloaded: 'Downloaded {name}',
  preparingFeatures: 'Preparing features',
  training: 'Training',
  rescoring: 'Rescoring',
  rescored: 'Rescored',
  decodingSplit: 'Decoding the {split} split',
} as const

export type ServerMessageKey = keyof typeof serverMessages

/**
 * A message by its key and arguments. An argument may be a message itself (the job a refusal
 * names), so the UI says the whole of it in one language.
 */
export interface Said {
  key: ServerMessageKey
  args: MessageArgs
}
export type MessageArgs = { [name: string]: string | number | Said }

/**
 * Arguments the UI translates before putting them in, by the list that names them: role names
 * (`team.role`) and the use an export is for (`consent.scope`).
 */
export const translatedArgs: Readonly<Record<string, string>> = {
  needed: 'team.role',
  role: 'team.role',
  use: 'consent.scope',
}

/** A message by key, to be said in English here and in the reader's language in the UI. */
export const said = (key: ServerMessageKey, args: MessageArgs = {}): Said => ({ key, args })

/** The English text of a message. */
export function formatMessage(key: ServerMessageKey, args: MessageArgs): string {
  return serverMessages[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = args[name]
    if (value === undefined) return whole
    return typeof value === 'object' ? formatMessage(value.key, value.args) : String(value)
  })
}
