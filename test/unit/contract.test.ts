import { describe, expect, it } from 'vitest'
import { contract, eventNames, methods } from '../../src/shared/contract'
import { eventNameList, methodNames } from '../../src/shared/methods'

describe('the contract', () => {
  it('lists the same methods and events for the sandboxed preload as the schemas define', () => {
    expect([...methodNames].sort()).toEqual([...methods].sort())
    expect([...eventNameList].sort()).toEqual([...eventNames].sort())
  })

  it('rejects unknown keys in every call, so a typo never passes silently', () => {
    for (const method of methods) {
      const parsed = contract[method].input.safeParse({ surprise: 1 })
      expect(parsed.success, method).toBe(false)
    }
  })

  it('bounds list sizes and pages', () => {
    expect(contract['utterance.list'].input.safeParse({ limit: 1001 }).success).toBe(false)
    expect(contract['utterance.list'].input.parse({})).toEqual({ offset: 0, limit: 100 })
    expect(contract['import.start'].input.safeParse({ paths: ['/a\0b'] }).success).toBe(false)
  })
})
