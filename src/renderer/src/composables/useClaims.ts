import { onScopeDispose, ref, type Ref } from 'vue'
import type { Annotator, UtteranceStatus } from '../../../shared/domain'
import { useClient } from './useClient'

/**
 * The annotator's claim on the utterance open in the editor (docs/team-server.md): taken on
 * opening, renewed half-way to its expiry while the utterance stays open, released when
 * another one opens or the screen goes. A final save releases it on the server.
 */
export function useClaims(actor: () => Annotator | null): {
  /**
   * Claims the utterance; false when someone else holds it (`heldElsewhere` says who) or, with
   * `statuses`, when its status has moved on since the queue was read.
   */
  take(id: number, statuses?: UtteranceStatus[]): Promise<boolean>
  heldElsewhere: Ref<{ id: number; names: string[] } | null>
} {
  const client = useClient()
  const heldElsewhere = ref<{ id: number; names: string[] } | null>(null)
  let held: { id: number; actorId: number } | null = null
  let renewal: ReturnType<typeof setTimeout> | null = null

  function release(): void {
    if (renewal) clearTimeout(renewal)
    renewal = null
    if (held) void client.call('utterance.release', held).catch(() => undefined)
    held = null
  }

  function renewAt(expiresAt: string | null, claim: { id: number; actorId: number }): void {
    if (renewal) clearTimeout(renewal)
    if (!expiresAt) return
    const wait = Math.max(1000, (Date.parse(expiresAt) - Date.now()) / 2)
    renewal = setTimeout(async () => {
      if (held?.id !== claim.id) return
      const state = await client.call('utterance.claim', claim).catch(() => null)
      if (state?.mine) renewAt(state.expiresAt, claim)
    }, wait)
  }

  async function take(id: number, statuses?: UtteranceStatus[]): Promise<boolean> {
    const who = actor()
    if (!who) return true
    const claim = { id, actorId: who.id }
    const state = await client.call('utterance.claim', statuses ? { ...claim, statuses } : claim)
    if (!state.mine) {
      if (state.heldBy.length > 0) heldElsewhere.value = { id, names: state.heldBy }
      return false
    }
    heldElsewhere.value = null
    if (held && held.id !== id) release()
    held = claim
    renewAt(state.expiresAt, claim)
    return true
  }

  onScopeDispose(release)
  return { take, heldElsewhere }
}
