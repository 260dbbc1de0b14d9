import { ConfigError } from '../../core/errors.js'

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/

/**
 * Checks a schema name or table prefix from the user. Identifiers are validated, then
 * quoted; they are never interpolated as given.
 * @throws ConfigError `OPTION_INVALID`
 */
export function checkIdentifier(option: string, value: string): string {
  if (!IDENTIFIER.test(value)) {
    throw new ConfigError('OPTION_INVALID', `option ${option} must be letters, digits and underscores (at most 40, not starting with a digit), got ${JSON.stringify(value.slice(0, 80))}`)
  }
  return value
}
