import type { OptionReader } from './options.js'
import type { Backend } from './store.js'
import type { ConnectionUrl } from './url.js'

/**
 * Everything core needs to know about one backend, exported by its folder under `stores/`
 * and listed once in `stores/registry.ts`: the URL schemes it answers to, its URL grammar
 * when that is not the server grammar, and how it builds its backend from a parsed URL and
 * its options. `Options` types the options a `PraisonAIDB` on one of `Scheme`'s URLs takes.
 */
export interface StoreDefinition<Scheme extends string = string, Options extends object = object> {
  /** The backend's name in messages ("PostgreSQL"). */
  readonly name: string
  readonly schemes: readonly Scheme[]
  /** Parses a target of this backend; absent: the server grammar (`parseServerUrl`). */
  parse?(text: string): ConnectionUrl
  /** Whether a target without a scheme belongs to this backend (a SQLite file path). */
  claimsBare?(text: string): boolean
  /** Builds the backend, reading its options; nothing is opened yet. */
  backend(url: ConnectionUrl, reader: OptionReader<Options>): Backend
}

/** The options type of a definition. */
export type OptionsOf<D> = D extends StoreDefinition<string, infer O> ? O : never
/** The schemes of a definition. */
export type SchemesOf<D> = D extends StoreDefinition<infer S, object> ? S : never
