import { createI18n } from 'vue-i18n'
import baseEn from './en.json'
import baseSw from './sw.json'
import consentEn from './areas/consent.en.json'
import consentSw from './areas/consent.sw.json'
import reviewEn from './areas/review.en.json'
import reviewSw from './areas/review.sw.json'
import loopEn from './areas/loop.en.json'
import loopSw from './areas/loop.sw.json'
import teamEn from './areas/team.en.json'
import teamSw from './areas/team.sw.json'
import modelsEn from './areas/models.en.json'
import modelsSw from './areas/models.sw.json'
import discussEn from './areas/discuss.en.json'
import discussSw from './areas/discuss.sw.json'
import bulkEn from './areas/bulk.en.json'
import bulkSw from './areas/bulk.sw.json'
import intakeEn from './areas/intake.en.json'
import intakeSw from './areas/intake.sw.json'
import searchEn from './areas/search.en.json'
import searchSw from './areas/search.sw.json'
import tiersEn from './areas/tiers.en.json'
import tiersSw from './areas/tiers.sw.json'
import compareEn from './areas/compare.en.json'
import compareSw from './areas/compare.sw.json'
import errorsSw from './areas/errors.sw.json'
import { serverMessages, type ServerMessageKey } from '../../../shared/messages'

// Each screen family keeps its messages in its own file (areas/<area>.<locale>.json), under its
// own top-level key, so people working on different screens do not edit the same file.
const en = {
  ...baseEn,
  ...consentEn,
  ...reviewEn,
  ...loopEn,
  ...teamEn,
  ...modelsEn,
  ...discussEn,
  ...bulkEn,
  ...intakeEn,
  ...searchEn,
  ...tiersEn,
  ...compareEn,
  // The core's own English texts (shared/messages.ts), word for word as the CLI prints them.
  serverMessage: serverMessages as Record<ServerMessageKey, string>,
}
const sw = {
  ...baseSw,
  ...consentSw,
  ...reviewSw,
  ...loopSw,
  ...teamSw,
  ...modelsSw,
  ...discussSw,
  ...bulkSw,
  ...intakeSw,
  ...searchSw,
  ...tiersSw,
  ...compareSw,
  ...errorsSw,
}

export const uiLocales = ['en', 'sw'] as const
export type UiLocale = (typeof uiLocales)[number]
export type MessageSchema = typeof en

const storageKey = 'sauti.uiLocale'

export function isUiLocale(value: unknown): value is UiLocale {
  return typeof value === 'string' && (uiLocales as readonly string[]).includes(value)
}

/** The saved choice, else the browser's language if we have it, else English. */
export function initialLocale(): UiLocale {
  try {
    const saved = localStorage.getItem(storageKey)
    if (isUiLocale(saved)) return saved
  } catch {
    // Storage can be unavailable (privacy settings); the default is fine then.
  }
  return navigator.language.toLowerCase().startsWith('sw') ? 'sw' : 'en'
}

export function saveLocale(locale: UiLocale): void {
  try {
    localStorage.setItem(storageKey, locale)
  } catch {
    // Not remembered across reloads; the switch still works for this session.
  }
}

/** Typing the messages by the English file makes vue-tsc reject a Swahili file with a missing key. */
export function createAppI18n(locale: UiLocale) {
  return createI18n<[MessageSchema], UiLocale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, sw },
  })
}
