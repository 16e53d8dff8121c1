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
} as const

export type ServerMessageKey = keyof typeof serverMessages
export type MessageArgs = Record<string, string | number>

/** Arguments the UI translates before putting them in (role names, in the `team.role` list). */
export const translatedArgs: Readonly<Record<string, string>> = {
  needed: 'team.role',
  role: 'team.role',
}

/** The English text of a message. */
export function formatMessage(key: ServerMessageKey, args: MessageArgs): string {
  return serverMessages[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in args ? String(args[name]) : whole,
  )
}
