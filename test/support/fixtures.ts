import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

/** ../shared/fixtures beside the repository (the team's shared folder; CI checks it out there). */
const sharedFixtures = resolve(import.meta.dirname, '../../../shared/fixtures')
export const speech8 = resolve(sharedFixtures, 'speech-8lang')
const hasSpeech8 = existsSync(resolve(speech8, 'manifest.tsv'))
const speech8Missing = `the shared fixtures are not at ${speech8}`

/**
 * Whether tests that need ../shared/fixtures skip. With the fixtures there, they run. Without
 * them under CI (`CI` set), they run too and fail at `requireSpeech8`, so a clean clone cannot
 * pass without running them; elsewhere they skip, and say so on stderr.
 */
export function skipWithoutSpeech8(what: string): boolean {
  if (hasSpeech8 || process.env.CI) return false
  // Straight to stderr: the skip must show whatever the reporter does with console output.
  process.stderr.write(
    `\nSKIPPED: ${what}: ${speech8Missing}. Put the shared folder beside the repository to run it; under CI this fails.\n`,
  )
  return true
}

/** Fails the test (under CI) when ../shared/fixtures is missing, naming where it was looked for. */
export function requireSpeech8(): void {
  if (!hasSpeech8)
    throw new Error(
      `${speech8Missing}: CI must run with the team's shared folder beside the repository (../shared)`,
    )
}

export const appRoot = resolve(import.meta.dirname, '../..')
export const formatFixtures = resolve(appRoot, 'test/fixtures/formats')
export const demoDir = resolve(appRoot, 'demo')
