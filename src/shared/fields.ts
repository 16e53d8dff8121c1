/**
 * Fields that enter the store from more than one door: the contract's calls and every importer
 * (audio manifests, ELAN, Praat, Common Voice, Kaldi, CSV). One schema each, so a transcript,
 * a speaker code, a language tag or a date that the API refuses cannot come in through a file.
 */
import { z } from 'zod'
import { speakerGenders } from './domain'

/** Transcripts: long enough for any utterance, short enough that a request cannot flood the store. */
export const TRANSCRIPT_MAX_CHARS = 20_000
export const SPEAKER_CODE_MAX_CHARS = 64

/**
 * Control characters other than tab, line feed and carriage return (C0, DEL and C1). They are
 * invisible in the editor, break line-based export formats and are how binary junk shows up
 * when a file is not text.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/

/** The first control character in `text`, as U+XXXX with its index, or null. */
export function findControlCharacter(text: string): { index: number; code: string } | null {
  const match = controlCharacter.exec(text)
  if (!match) return null
  const code = `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
  return { index: match.index, code }
}

const withoutControlCharacters = (what: string) => (text: string) => {
  const found = findControlCharacter(text)
  return found
    ? `${what} with the control character ${found.code} at character ${found.index + 1}`
    : null
}

function refuse<T extends z.ZodType<string>>(schema: T, problem: (text: string) => string | null) {
  return schema.superRefine((text, ctx) => {
    const message = problem(text)
    if (message) ctx.addIssue({ code: 'custom', message })
  })
}

/*
 * Messages are predicates ("not a language tag …") so that the API says "languages.0: not a
 * language tag …" and an importer says "m.tsv, line 2: "Kiswahili" is not a language tag …".
 */

/** A BCP 47-style language tag as projects use them: sw, hi, en, sw-KE, hi-Latn. */
export const languageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/, 'not a language tag (expected e.g. sw, hi, hi-en)')

export const transcript = refuse(
  z
    .string()
    .max(
      TRANSCRIPT_MAX_CHARS,
      `longer than ${TRANSCRIPT_MAX_CHARS.toLocaleString('en')} characters, the most a transcript may have`,
    ),
  withoutControlCharacters('text'),
)

/** Speaker codes are pseudonyms that become file and tier names: no spaces, slashes or dots alone. */
export const speakerCode = refuse(
  z
    .string()
    .trim()
    .regex(
      new RegExp(`^[^\\s/\\\\]{1,${SPEAKER_CODE_MAX_CHARS}}$`),
      `not a speaker code: 1–${SPEAKER_CODE_MAX_CHARS} characters without spaces or slashes`,
    ),
  (code) =>
    code === '.' || code === '..'
      ? 'not a speaker code: "." and ".." name folders'
      : withoutControlCharacters('a speaker code')(code),
)

const optionalText = (max: number) =>
  refuse(z.string().trim().max(max), withoutControlCharacters('text')).nullable().optional()

/** A speaker's metadata, as the registry and the importers store it. */
export const speakerFields = {
  ageBand: optionalText(40),
  gender: z.enum(speakerGenders).nullable().optional(),
  dialect: optionalText(120),
  firstLanguage: optionalText(40),
  otherLanguages: z.array(z.string().trim().min(1).max(40)).max(50).optional(),
  notes: z.string().max(4000).optional(),
}

const dateShape =
  /^(\d{4}-\d{2}-\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,3})?)?Z)?$/

/**
 * Why `text` is not a date the store accepts, or null. The calendar check is zod's ISO date
 * (days per month, leap years), so 2026-02-30 is refused rather than rolled into March.
 */
export function dateProblem(text: string): string | null {
  const shape = dateShape.exec(text)
  if (!shape) return `not a date such as 2026-03-01 or 2026-03-01T09:00:00Z: "${text.slice(0, 40)}"`
  if (!z.iso.date().safeParse(shape[1]).success)
    return `not a day of the calendar (check the month and the day): "${shape[1]}"`
  return null
}

/** ISO 8601 times as the store keeps them (a date alone means its midnight UTC). */
export const isoTime = refuse(z.string(), dateProblem).transform((t) =>
  new Date(t.length === 10 ? `${t}T00:00:00Z` : t).toISOString(),
)
