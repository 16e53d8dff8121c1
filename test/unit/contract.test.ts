import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { contract, eventNames, methods } from '../../src/shared/contract'
import { eventNameList, methodNames } from '../../src/shared/methods'
import { composeRooms } from '../../src/shared/rooms'

describe('the contract', () => {
  it('lists the same methods and events for the sandboxed preload as the schemas define', () => {
    expect([...methodNames].sort()).toEqual([...methods].sort())
    expect([...eventNameList].sort()).toEqual([...eventNames].sort())
  })

  it("is composed of the rooms' shares, and refuses a call two rooms name", () => {
    expect(() => composeRooms({ 'job.list': 1 }, { 'job.list': 2 })).toThrow(
      'the call job.list is in two rooms',
    )
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

  it('names the person acting in one way in every call: actorId', () => {
    const keys = (schema: z.ZodType): string[] =>
      schema instanceof z.ZodObject
        ? Object.keys(schema.shape)
        : schema instanceof z.ZodUnion
          ? schema.options.flatMap((o) => keys(o as z.ZodType))
          : []
    const named = methods.flatMap((m) => keys(contract[m].input).map((k) => `${m}.${k}`))
    expect(named.filter((k) => /\.(by|annotatorId|reviewerId|viewerId)$/.test(k))).toEqual([])
    // Every call that writes on someone's behalf names them.
    for (const m of ['utterance.save', 'consent.grant', 'review.decide', 'export.start'] as const)
      expect(named, m).toContain(`${m}.actorId`)
  })
})
