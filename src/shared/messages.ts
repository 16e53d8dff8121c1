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
  // Review and adjudication.
  noUtterance: 'no utterance with id {id}',
  noRevision: 'no revision with id {id}',
  noProfile: 'no annotator profile with id {id}',
  notReviewer: '"{name}" is an annotator; reviewing needs a reviewer or lead profile',
  inDoubleAnnotation: 'utterance {id} is in double annotation: adjudicate its two versions instead',
  draftRevision: 'revision {id} is a draft, not a decision to review',
  notNewest: 'revision {revision} is no longer the newest of utterance {id} ({newest} is)',
  changedSinceReview: 'utterance {id} was saved elsewhere since the reviewer opened it',
  noAdjudication: 'utterance {id} has no double annotation waiting for adjudication',
  oneVersion:
    'utterance {id} has only one version yet; adjudication needs both annotators’ versions',
  noVersion: 'utterance {id} has no version yet; adjudication needs both annotators’ versions',
  noColumn: 'there is no column {column} ({count} columns)',
  columnsOpen: 'choose a word for every column where the versions differ; still open: {columns}',
  versionsChanged: 'the versions of utterance {id} changed since the adjudication view was read',
  writtenAfterVersions:
    "utterance {id} has revision {revision} after both versions (a draft, or a third person's); it must be finished or saved over before adjudication",
  // The editor and the save path.
  utteranceMerged: 'utterance {id} was merged into utterance {into}',
  notServed:
    'utterance {id} is not served: {who} has no valid consent to annotation ({consentState})',
  speakerNamed: 'speaker {code}',
  speakerUnknown: 'its speaker (unknown)',
  profileExists: 'an annotator profile named "{name}" exists already',
  foreignHypothesis: 'hypothesis {hypothesis} does not belong to utterance {id}',
  phoneticReference:
    'hypothesis {hypothesis} is a phonetic reference (its model writes phones), not a transcript: it cannot be saved as the transcript; type what was said',
  languageReference:
    "hypothesis {hypothesis} is a reference (its model does not write the utterance's language), not a transcript: it cannot be saved as the transcript; type what was said",
  endsAfterRecording: 'the utterance would end at {end} s, after the recording ({duration} s)',
  wouldOverlap: 'the utterance would overlap utterance {id} ({start}–{end} s)',
  splitOutside: 'split point {at} s is not inside utterance {id} ({start}–{end} s)',
  notNext: 'utterance {next} is not the one right after utterance {id} in the same recording',
  wordTimesCount: 'word times name {times} words, but the text has {words}',
  wordOutside:
    'word {n} ("{word}") at {start}–{end} s is out of order or outside the utterance ({from}–{to} s)',
  // Tiers.
  tierExists: 'the project has a tier named "{name}" already',
  tierNeedsText: 'this tier holds one text per utterance: give text',
  tierNeedsIntervals: 'this tier is time-aligned: give intervals',
  intervalOutside:
    'interval {n} ({start}–{end} s) is out of order or outside the utterance ({from}–{to} s)',
  noTier: 'no tier with id {id}',
  tierOneText:
    'tier "{name}" holds one text per utterance in this project, but the file gives utterance {id} {count} intervals ({intervals}).',
  // Guidelines.
  noGuidelinesVersion: 'no version {id} of the guidelines',
  guidelinesSaved:
    'the guidelines were saved by {author} (version {version}) since you opened them; reload them and apply your change again',
  // What only a lead may do, each action a message of its own that leadOnly names.
  leadOnly: 'only a lead may {action}; "{name}" is {roleArticle} {role}.',
  editGuidelines: 'edit the guidelines',
  exportData: 'export',
  changeCheckpoint: 'change the checkpoint in use',
  changeSplits: 'change the dev and test splits',
  defineTiers: 'define tiers',
  mergeSpeakers: 'merge speakers',
  assignSpeakers: 'assign speakers',
  purgeAudio: "purge a speaker's audio",
  recordConsent: 'record consent',
  withdrawConsent: 'withdraw consent',
  // Speakers and consent.
  noSpeaker: 'no speaker with id {id}',
  noRecording: 'no recording with id {id}',
  speakerCodeTaken: 'a speaker with the code "{code}" exists already',
  speakerMergedEdit: 'speaker {code} was merged into speaker {into}; edit that one',
  speakerMergedAssign: 'speaker {code} was merged into speaker {into}; assign that one',
  speakerMergedConsent: 'speaker {code} was merged into speaker {into}; record consent there',
  speakerMergedAlready: 'speaker {code} was already merged into speaker {into}',
  speakerSelfMerge: 'a speaker cannot merge into itself',
  consentExpiry: 'consent must expire after it is granted',
  evidenceMissing: '{path}: no such evidence file.',
  evidenceFolder: '{path}: evidence must be a regular file, not a folder.',
  evidenceSpecial: '{path}: evidence must be a regular file, not a device or special file.',
  evidenceTooLarge: '{path}: evidence files are limited to 2 GiB.',
  evidenceDiskFull: 'the disk is full: could not store {name}.',
  evidenceUnreadable: '{path}: could not read the evidence file: {reason}',
  purgeIncomplete:
    'purge {id} is recorded, but these files could not be deleted: {files}. Purge again to retry.',
  audioPurged: "the audio of recording {id} was purged on {date} at the speaker's request.",
  // Accounts and signing in.
  adminOnlyRole: 'only an admin may make an account with the role {role}',
  noAccount: 'no account with id {id}',
  accountExists: 'an account named "{login}" exists already',
  profileTaken: 'the profile "{login}" belongs to another account',
  lastAdmin: '"{login}" is the last admin: make another admin first',
  linkExpired: 'this link is not valid any more: ask for a new one',
  passwordShort: 'a password needs at least {min} characters (a few words make a good one)',
  passwordLong: 'that password is too long',
  signInMissing: 'give a login and a password',
  signInThrottled: 'too many failed sign-ins: try again in {minutes} min',
  wrongLogin: 'wrong login or password',
  acceptMissing: 'give the link and a password',
  tooManyTries: 'too many tries: wait',
  serverImport:
    'on a team server, import from an uploaded file or from inside an import folder the server offers',
  serverExport:
    'on a team server, export into the export folder the server offers, or download the export',
  noJob: 'no job with id {id}',
  // The audio an editor draws from.
  peaksMissing:
    'the waveform peaks of recording {id} are missing from the cache; re-import the file',
  audioCacheMissing:
    'recording {id}: its 16 kHz audio cache {path} is missing; import the recording again to rebuild it',
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
 * (`team.role`), the use an export is for (`consent.scope`) and a speaker's consent
 * (`consent.state`).
 */
export const translatedArgs: Readonly<Record<string, string>> = {
  needed: 'team.role',
  role: 'team.role',
  consentState: 'consent.state',
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
