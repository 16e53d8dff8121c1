/**
 * A call's spec, and the input fields that calls of several rooms share. Fields that also enter
 * the store through files (transcripts, speaker codes, language tags, speaker metadata, dates) are
 * checked by the importers with these same schemas (formats/text-gate.ts), so a value the API
 * refuses cannot come in through a manifest, an ELAN file or a Kaldi folder.
 */
import { z } from 'zod'
import { speakerGenders, utteranceStatuses } from '../domain'

/** A call's spec: its input schema and, as a phantom type, its result. */
export interface CallSpec<I extends z.ZodType, O> {
  input: I
  description: string
  /** Never set at run time; carries the result type. */
  readonly output?: O
}

/** `call<Result>()(input, description)`: the result is named, the input's type is inferred. */
export function call<O>(): <I extends z.ZodType>(input: I, description: string) => CallSpec<I, O> {
  return (input, description) => ({ input, description })
}

/*
 * `actorId` is the one name for the person making a call (an annotator profile's id), in every
 * call that carries one: the writer of a save, the lead who records consent or exports, the
 * reviewer who decides, the viewer of a blind utterance. The core checks what that profile may do;
 * for a team account it is always the account's own profile, whatever the input says.
 */
export const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

export const pageInput = {
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
}

/** A path on the machine that runs the core. Checked again (existence, type) by the core. */
export const localPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte')

export const utteranceStatus = z.enum(utteranceStatuses)

export const seconds = z.number().min(0).max(1e7)

/** A registered model's id (or a unique prefix of it, or its name). */
export const modelRef = z.string().min(1).max(200)

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

/**
 * An import's transcripts are machine output to correct (docs/formats.md, "Machine output"),
 * optionally naming the recogniser that wrote them ("whisper-large-v3"); an empty name is none.
 */
export const machineOutput = z
  .object({
    system: refuse(z.string().trim().max(100), withoutControlCharacters('a recogniser name'))
      .nullable()
      .transform((name) => name || null),
  })
  .strict()

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

export const spans = z
  .array(
    z
      .object({ start: z.number().int().min(0), end: z.number().int().min(1), lang: languageTag })
      .strict()
      .refine((s) => s.end > s.start, 'a span must cover at least one word'),
  )
  .max(1000)

/** A reviewer's or lead's note with a decision. */
export const comment = z.string().max(4000).default('')

/**
 * Word times a writer sets (boundaries moved on the word tier), one per word of the text, in
 * seconds from the start of the recording. Order and bounds are checked by the core, which
 * knows the utterance.
 */
export const wordTimes = z
  .array(
    z
      .object({ word: z.string().max(1000), start: seconds, end: seconds })
      .strict()
      .refine((w) => w.end >= w.start, 'a word must not end before it starts'),
  )
  .max(5000)
