/**
 * Domain types shared by the core, the hosts and the renderer: plain data only, one module per
 * room of the core (src/main/core/<room>), gathered here so that importers name one place.
 */
export * from './project'
export * from './audio'
export * from './asr'
export * from './annotate'
export * from './adapt'
export * from './consent'
export * from './provenance'
export * from './export'
export * from './corpus-import'
export * from './language'
export * from './review'
export * from './report'
export * from './accounts'
export * from './discuss'
export * from './search'
export * from './tiers'
