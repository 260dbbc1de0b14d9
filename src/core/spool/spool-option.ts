import { ConfigError, quote } from '../errors.js'
import type { OptionReader } from '../options.js'
import type { Backend } from '../store.js'
import { openSpoolFile } from '../../stores/registry.js'
import type { SpoolOpener, SpoolOptions } from './spool-file.js'

/**
 * Reads the `spool` option. Only a store across a network takes one: a local store (a file, process
 * memory) has no outage to bridge, and a user store's writes are not known to be idempotent by
 * record id, which the replay's exactly-once rests on.
 * @throws ConfigError `SPOOL_INVALID` for an empty path or a store that is not across a network.
 */
export function readSpoolOption(reader: OptionReader<SpoolOptions>, backend: Backend): { readonly path: string; readonly open: SpoolOpener } | undefined {
  const path = reader.string('spool')
  if (path === undefined) return undefined
  if (path.trim() === '') throw new ConfigError('SPOOL_INVALID', `option spool must be the path of a local file, got ${quote(path)}`)
  if (backend.network !== true) {
    throw new ConfigError('SPOOL_INVALID', `option spool is for stores across a network (database servers); ${backend.description} is not one, so it cannot take a spool`)
  }
  return { path, open: openSpoolFile }
}
