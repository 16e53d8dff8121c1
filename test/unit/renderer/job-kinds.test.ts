import { describe, expect, it } from 'vitest'
import { jobKinds } from '../../../src/shared/domain'
import en from '../../../src/renderer/src/i18n/en.json'
import sw from '../../../src/renderer/src/i18n/sw.json'

describe('the status bar names every kind of background job', () => {
  it('in English and in Kiswahili, never as a bare key', () => {
    for (const messages of [en, sw]) {
      const names = messages.jobs.kind as Record<string, string>
      for (const kind of jobKinds) expect(names[kind], kind).toMatch(/\S/)
    }
    expect((sw.jobs.kind as Record<string, string>)['annotation-import']).not.toBe(
      (en.jobs.kind as Record<string, string>)['annotation-import'],
    )
  })
})
