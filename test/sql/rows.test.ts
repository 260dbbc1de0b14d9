import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AgentState, JsonValue, Run, SessionKey, Span } from '../../src/core/records.js'
import type { NewMessage, NewToolCall, SessionSeed, TraceRecord } from '../../src/core/store.js'
import type { DescribedTable, Dialect } from '../../src/stores/sql/dialect.js'
import {
  agentStateParams, messageParams, runParams, sessionKeyParams, sessionParams, spanParams, toAgentState, toMessage, toRun, toSession, toSessionKey,
  toSpan, toToolCall, toTrace, toolCallParams, traceParams, type Row,
} from '../../src/stores/sql/rows.js'
import type { ColumnDescription } from '../../src/stores/sql/schema.js'
import { AGENT_STATES, MESSAGES, RUNS, SESSION_KEYS, SESSIONS, SPANS, TABLES, TOOL_CALLS, TRACES } from '../../src/stores/sql/tables.js'
import { sqliteDialect } from '../../src/stores/sqlite/dialect.js'

// A dialect whose conversions leave a mark, so each value shows which conversion it went through.
const marking: Dialect = {
  ...sqliteDialect(''),
  toText: (value) => `toText(${value})`,
  fromText: (value) => `fromText(${String(value)})`,
  toJson: (value) => `toJson(${JSON.stringify(value)})`,
  fromJson: (value) => ({ fromJson: String(value) }),
  toTime: (value) => `toTime(${value})`,
  fromTime: (value) => `fromTime(${String(value)})`,
}

/** `session_id` → `sessionId`: the record field of a column, as `CamelCase` in schema.ts spells it. */
const fieldName = (column: string): string => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/** A distinct field value for each column, of its logical type (null for nullable columns when `nulls`). */
function sampleRecord(table: DescribedTable, nulls: boolean): Record<string, unknown> {
  return Object.fromEntries(table.columns.map((column, i) => [fieldName(column.name), sampleValue(column, i, nulls)]))
}

function sampleValue(column: ColumnDescription, i: number, nulls: boolean): unknown {
  if (nulls && column.nullable === true) return null
  switch (column.type) {
    case 'integer': case 'real': return 100 + i
    case 'enum': return column.values[i % column.values.length]
    case 'json': case 'jsonObject': return { column: column.name }
    default: return `${column.name}-value`
  }
}

/** What the description says a record's bind values are: by column order, each converted by its logical type. */
function describedParams(table: DescribedTable, record: Record<string, unknown>): unknown[] {
  return table.columns.map((column) => {
    const value = record[fieldName(column.name)]
    if (column.nullable === true && value === null) return null
    switch (column.type) {
      case 'key': case 'label': case 'text': return marking.toText(value as string)
      case 'json': case 'jsonObject': return marking.toJson(value as JsonValue)
      case 'timestamp': return marking.toTime(value as string)
      case 'integer': case 'real': case 'enum': return value
    }
  })
}

/** A row as a driver would return it, and the record the description says it maps to. */
function describedRow(table: DescribedTable, nulls: boolean): { row: Row; record: Record<string, unknown> } {
  const row: Record<string, unknown> = {}
  const record: Record<string, unknown> = {}
  table.columns.forEach((column, i) => {
    const raw = nulls && column.nullable === true ? null : column.type === 'enum' ? column.values[0] : `${100 + i}`
    row[column.name] = raw
    const field = fieldName(column.name)
    if (raw === null) record[field] = null
    else if (column.type === 'integer' || column.type === 'real') record[field] = Number(raw)
    else if (column.type === 'enum') record[field] = raw
    else if (column.type === 'json' || column.type === 'jsonObject') record[field] = marking.fromJson(raw)
    else if (column.type === 'timestamp') record[field] = marking.fromTime(raw)
    else record[field] = marking.fromText(raw)
  })
  return { row, record }
}

const withoutSeq = (record: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(record).filter(([field]) => field !== 'seq'))

describe('row mapping (rows.ts) against the table descriptions', () => {
  for (const nulls of [false, true]) {
    const label = nulls ? 'with nullable columns NULL' : 'with every column set'

    it(`binds runs, traces and spans column by column, ${label}`, () => {
      const run = sampleRecord(RUNS, nulls)
      assert.deepEqual(runParams(marking, run as unknown as Run), describedParams(RUNS, run))
      const trace = sampleRecord(TRACES, nulls)
      assert.deepEqual(traceParams(marking, trace as unknown as TraceRecord), describedParams(TRACES, trace))
      const span = sampleRecord(SPANS, nulls)
      assert.deepEqual(spanParams(marking, span as unknown as Span), describedParams(SPANS, span))
    })

    it(`binds messages, tool calls, agent states and session keys column by column, ${label}`, () => {
      const message = sampleRecord(MESSAGES, nulls)
      assert.deepEqual(messageParams(marking, withoutSeq(message) as unknown as NewMessage, message['seq'] as number), describedParams(MESSAGES, message))
      const toolCall = sampleRecord(TOOL_CALLS, nulls)
      assert.deepEqual(toolCallParams(marking, withoutSeq(toolCall) as unknown as NewToolCall, toolCall['seq'] as number), describedParams(TOOL_CALLS, toolCall))
      const state = sampleRecord(AGENT_STATES, nulls)
      assert.deepEqual(agentStateParams(marking, state as unknown as AgentState), describedParams(AGENT_STATES, state))
      const key = sampleRecord(SESSION_KEYS, nulls)
      assert.deepEqual(sessionKeyParams(marking, key as unknown as SessionKey), describedParams(SESSION_KEYS, key))
    })

    it(`binds a new session: created and updated at the seed's time, not ended, last_seq the seq count, ${label}`, () => {
      const session = sampleRecord(SESSIONS, nulls)
      const seed: SessionSeed = {
        id: session['id'] as string, userId: session['userId'] as string | null, agentId: session['agentId'] as string | null,
        name: session['name'] as string | null, metadata: { column: 'metadata' }, at: 'at-value',
      }
      const expected = describedParams(SESSIONS, { ...session, createdAt: seed.at, updatedAt: seed.at, endedAt: null, lastSeq: 7 })
      assert.deepEqual(sessionParams(marking, seed, 7), expected)
    })

    it(`reads every table's rows field by field, ${label}`, () => {
      const readers: readonly [DescribedTable, (d: Dialect, row: Row) => unknown][] = [
        [SESSIONS, toSession], [MESSAGES, toMessage], [TOOL_CALLS, toToolCall], [AGENT_STATES, toAgentState],
        [RUNS, toRun], [TRACES, toTrace], [SPANS, toSpan], [SESSION_KEYS, toSessionKey],
      ]
      assert.deepEqual(readers.map(([table]) => table.name), TABLES.map((table) => table.name), 'every described table has a reader')
      for (const [table, read] of readers) {
        const { row, record } = describedRow(table, nulls)
        // last_seq is bookkeeping, not a field of Session
        if (table === SESSIONS) delete record['lastSeq']
        assert.deepEqual(read(marking, row), record, table.name)
      }
    })
  }

  it('tells a mapping that drifted from the description apart', () => {
    // a description with two columns swapped: the mapping written for the real one must not pass
    const [id, sessionId, ...rest] = MESSAGES.columns
    const swapped = { ...MESSAGES, columns: [sessionId, id, ...rest] }
    const message = sampleRecord(MESSAGES, false)
    assert.notDeepEqual(messageParams(marking, withoutSeq(message) as unknown as NewMessage, 1), describedParams(swapped, message))
    const { row, record } = describedRow({ ...TOOL_CALLS, columns: TOOL_CALLS.columns.map((c) => (c.name === 'duration_ms' ? { ...c, type: 'text' as const } : c)) }, false)
    assert.notDeepEqual(toToolCall(marking, row), record)
    // the new nullable columns: a mapping that skipped one would read undefined, not the value
    const run = sampleRecord(RUNS, false)
    const withoutOutput = { ...RUNS, columns: RUNS.columns.filter((c) => c.name !== 'output') }
    assert.notDeepEqual(runParams(marking, run as unknown as Run), describedParams(withoutOutput, run))
    const spanRow = describedRow({ ...SPANS, columns: SPANS.columns.map((c) => (c.name === 'parent_span_id' ? { ...c, type: 'json' as const } : c)) }, false)
    assert.notDeepEqual(toSpan(marking, spanRow.row), spanRow.record)
  })
})
