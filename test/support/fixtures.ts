import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

/** ../shared/fixtures beside the repository; tests that need it skip with this reason when absent. */
export const sharedFixtures = resolve(import.meta.dirname, '../../../shared/fixtures')
export const speech8 = resolve(sharedFixtures, 'speech-8lang')
export const hasSpeech8 = existsSync(resolve(speech8, 'manifest.tsv'))
export const speech8Missing = `shared fixtures not found at ${speech8}`

export const appRoot = resolve(import.meta.dirname, '../..')
export const formatFixtures = resolve(appRoot, 'test/fixtures/formats')
export const demoDir = resolve(appRoot, 'demo')
