import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import { ValidationError } from '../../index.js'
import { stdout, withDatabase, type GlobalOptions } from '../context.js'
import { progress, type Progress } from '../progress.js'

/** The first bytes of a file, as text (enough to tell a JSON array from JSON Lines). */
function firstBytes(path: string): string {
  const fd = openSync(path, 'r')
  try {
    const buffer = Buffer.alloc(64)
    return buffer.subarray(0, readSync(fd, buffer, 0, 64, 0)).toString('utf8')
  } finally {
    closeSync(fd)
  }
}

/** The records of an export file: JSON Lines (blank lines skipped), or one JSON array. */
async function* records(path: string, bar: Progress): AsyncGenerator<unknown> {
  const size = statSync(path).size
  const head = firstBytes(path).trimStart()
  if (head.startsWith('[')) {
    let all: unknown
    try {
      all = JSON.parse(readFileSync(path, 'utf8'))
    } catch (error) {
      throw new ValidationError('FIELD_INVALID', `${path} is not a JSON array of records`, { cause: error })
    }
    if (!Array.isArray(all)) throw new ValidationError('FIELD_INVALID', `${path} is not a JSON array of records`)
    for (const [i, record] of all.entries()) {
      bar.update(i + 1, all.length)
      yield record
    }
    return
  }
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })
  let line = 0
  let bytes = 0
  for await (const text of lines) {
    line += 1
    bytes += Buffer.byteLength(text) + 1
    if (text.trim() === '') continue
    let record: unknown
    try {
      record = JSON.parse(text)
    } catch (error) {
      throw new ValidationError('FIELD_INVALID', `line ${line} of ${path} is not JSON; nothing of its session was imported`, { cause: error })
    }
    bar.update(Math.min(bytes, size), size)
    yield record
  }
}

export function importCommand(program: Command): void {
  program.command('import')
    .description('write the sessions of an export (jsonl or json) into the database; records it holds are skipped')
    .argument('<file>', 'the export file')
    .action(async (file: string, _options: object, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>()
      await withDatabase(options, async (db) => {
        const bar = progress('importing', process.stderr)
        const result = await db.importRecords(records(file, bar)).finally(() => bar.end())
        const out = stdout()
        if (options.json) return out.json(result)
        out.line(`imported ${result.sessions} session${result.sessions === 1 ? '' : 's'}: ${result.added} records added, ${result.skipped} already there`)
      })
    })
}
