import { describe, expect, it } from 'vitest'
import { localOwner } from '../../src/main/core/accounts/caller'
import { dispatch, type Handlers } from '../../src/main/core/dispatch'

describe('messages of the core, by key', () => {
  it('come with their key from the contract’s door: an unknown call, input that fails its schema', async () => {
    const guard = { admit: () => undefined, bind: () => undefined }
    const unknown = await dispatch({} as Handlers, 'project.delete', {}, localOwner, guard)
    expect(unknown).toMatchObject({
      ok: false,
      error: { message: 'no such call: project.delete', key: 'unknownCall' },
    })
    const invalid = await dispatch(
      {} as Handlers,
      'search.utterances',
      { limit: 0 },
      localOwner,
      guard,
    )
    expect(invalid).toMatchObject({
      ok: false,
      error: {
        kind: 'validation',
        key: 'invalidInput',
        args: { method: 'search.utterances', problems: expect.stringMatching(/^limit: /) },
      },
    })
  })
})
