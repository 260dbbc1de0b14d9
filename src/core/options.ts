import { ConfigError } from './errors.js'

/**
 * Reads options given in a connection URL's query (strings) or in the options object
 * (typed values), the object winning. `finish()` rejects names nobody read, so a typo
 * in `?synchronus=normal` is an error rather than a silent default.
 */
/** An option name of `O`. */
export type OptionName<O> = Extract<keyof O, string>

export class OptionReader<O = Record<string, unknown>> {
  readonly #params: Readonly<Record<string, string>>
  readonly #options: Readonly<Record<string, unknown>>
  readonly #used = new Set<string>()

  constructor(params: Readonly<Record<string, string>>, options: object) {
    this.#params = params
    this.#options = options as Record<string, unknown>
  }

  #raw(name: OptionName<O>): unknown {
    this.#used.add(name)
    const value = this.#options[name]
    return value !== undefined ? value : this.#params[name]
  }

  string(name: OptionName<O>): string | undefined {
    const value = this.#raw(name)
    if (value === undefined) return undefined
    if (typeof value !== 'string') throw new ConfigError('OPTION_INVALID', `option ${name} must be a string, got ${typeof value}`)
    return value
  }

  integer(name: OptionName<O>, fallback: number, min: number, max: number): number {
    const value = this.#raw(name)
    if (value === undefined) return fallback
    const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < min || number > max) {
      throw new ConfigError('OPTION_INVALID', `option ${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`)
    }
    return number
  }

  choice<T extends string>(name: OptionName<O>, choices: readonly T[], fallback: T): T {
    const value = this.#raw(name)
    if (value === undefined) return fallback
    const text = typeof value === 'string' ? value.toLowerCase() : value
    const found = choices.find((c) => c === text)
    if (found === undefined) throw new ConfigError('OPTION_INVALID', `option ${name} must be one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${JSON.stringify(value)}`)
    return found
  }

  boolean(name: OptionName<O>, fallback: boolean): boolean {
    const value = this.#raw(name)
    if (value === undefined) return fallback
    if (typeof value === 'boolean') return value
    if (value === 'true' || value === '1') return true
    if (value === 'false' || value === '0') return false
    throw new ConfigError('OPTION_INVALID', `option ${name} must be true or false, got ${JSON.stringify(value)}`)
  }

  /** Any value given in the options object (not the URL), unchecked: for driver pass-through. */
  passThrough(name: OptionName<O>): unknown {
    this.#used.add(name)
    return this.#options[name]
  }

  /** The same reader, typed for another set of option names (what it has read so far counts). */
  as<P>(): OptionReader<P> {
    return this as unknown as OptionReader<P>
  }

  /** @throws ConfigError `OPTION_INVALID` naming the first option that no reader asked for. */
  finish(where: string): void {
    const given = [...Object.keys(this.#params), ...Object.keys(this.#options).filter((name) => this.#options[name] !== undefined)]
    for (const name of given) {
      if (!this.#used.has(name)) {
        throw new ConfigError('OPTION_INVALID', `option ${JSON.stringify(name)} is not known to ${where}`)
      }
    }
  }
}
