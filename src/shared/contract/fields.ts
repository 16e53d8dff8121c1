/** A call's spec, and the input fields that calls of several rooms share. */
import { z } from 'zod'
import { utteranceStatuses } from '../domain'

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

/** A BCP 47-style language tag as projects use them: sw, hi, en, sw-KE, hi-Latn. */
export const languageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/, 'not a language tag such as sw, hi or en-GB')

export const utteranceStatus = z.enum(utteranceStatuses)

export const seconds = z.number().min(0).max(1e7)

/** A registered model's id (or a unique prefix of it, or its name). */
export const modelRef = z.string().min(1).max(200)

/** Transcripts: long enough for any utterance, short enough that a request cannot flood the store. */
export const transcript = z
  .string()
  .max(20_000)
  .refine((t) => !t.includes('\0'), 'text contains a NUL byte')

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
