import type { InjectionKey, Ref } from 'vue'
import { inject, shallowRef, watch } from 'vue'

/** The screens, in the order the header lists them. */
export const screens = [
  'annotate',
  'search',
  'recordings',
  'model',
  'speakers',
  'review',
  'team',
] as const
export type Screen = (typeof screens)[number]

/** Where the app is: a screen and, on the annotate and review screens, the open utterance. */
export interface Route {
  screen: Screen
  utteranceId: number | null
}

/** `#/review/12` is the review screen on utterance 12; an unknown or empty address is annotate. */
export function parseHash(hash: string): Route {
  const [name = '', id, ...rest] = hash.replace(/^#\/?/, '').split('/')
  const screen = screens.find((s) => s === name) ?? 'annotate'
  const utteranceId = id !== undefined && /^\d+$/.test(id) && rest.length === 0 ? Number(id) : null
  return { screen, utteranceId }
}

export function hashOf(route: Route): string {
  return route.utteranceId === null ? `#/${route.screen}` : `#/${route.screen}/${route.utteranceId}`
}

export interface Router {
  /** Changes on navigation in the app, on back and forward, and on a pasted link. */
  route: Readonly<Ref<Route>>
  /** Shows another screen (the current one stays as it is, open utterance and all). */
  go(screen: Screen): void
  /**
   * Puts a screen's open utterance in the address, so a reload or a restart comes back to it;
   * ignored once the user has left that screen (an answer that came back late).
   */
  select(screen: Screen, utteranceId: number | null): void
  /** Shows a screen with an utterance open in it (a search result opened in the editor). */
  open(screen: Screen, utteranceId: number): void
}

export const routerKey: InjectionKey<Router> = Symbol('sauti-router')

/**
 * The app's one router, on the address's hash (the page is served as a file by Electron and
 * from one path by `sauti serve`). Moves replace the history entry: switching screens or
 * utterances is not something to step back through.
 */
export function createRouter(win: Window = window): Router {
  const route = shallowRef(parseHash(win.location.hash))
  win.addEventListener('hashchange', () => {
    route.value = parseHash(win.location.hash)
  })
  function replace(next: Route): void {
    win.history.replaceState(null, '', hashOf(next))
    route.value = next
  }
  return {
    route,
    go: (screen) => {
      if (screen !== route.value.screen) replace({ screen, utteranceId: null })
    },
    select: (screen, utteranceId) => {
      if (screen === route.value.screen) replace({ screen, utteranceId })
    },
    open: (screen, utteranceId) => replace({ screen, utteranceId }),
  }
}

/** main.ts provides the router; components inject it. */
export function useRouter(): Router {
  const router = inject(routerKey)
  if (!router) throw new Error('useRouter() needs a router provided with app.provide(routerKey, …)')
  return router
}

export interface UtteranceRoute {
  /** Records the utterance the screen opened (null: none). */
  select(utteranceId: number | null): void
  /** Opens the utterance the address names, else the first one there is. */
  openFirst(first: () => Promise<number | undefined>): Promise<void>
}

/**
 * A screen's open utterance in the address (#/annotate/<id>, #/review/<id>): a link or
 * back/forward to another one opens it, and a reload comes back to it.
 */
export function useUtteranceRoute(
  screen: Screen,
  current: () => number | null,
  open: (utteranceId: number) => Promise<void>,
): UtteranceRoute {
  const router = useRouter()
  watch(
    () => router.route.value,
    (route) => {
      const wanted = route.utteranceId
      if (route.screen === screen && wanted !== null && wanted !== current()) void open(wanted)
    },
  )
  return {
    select: (utteranceId) => router.select(screen, utteranceId),
    openFirst: async (first) => {
      const id = router.route.value.utteranceId ?? (await first())
      if (id !== undefined) await open(id)
    },
  }
}
