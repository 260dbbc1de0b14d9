import { createHash } from 'node:crypto'

/** A Lua script and its SHA1, run with EVALSHA (EVAL when the server has not cached it). */
export interface LuaScript {
  readonly name: string
  readonly lua: string
  readonly sha: string
}

function script(name: string, lua: string): LuaScript {
  return { name, lua, sha: createHash('sha1').update(lua).digest('hex') }
}

// Shared by the scripts: the key names of keys.ts, rebuilt from the prefix in ARGV[1].
// Keys are built inside the scripts (not passed as KEYS) because a batch names sessions the
// caller only knows as ids; that is fine on one Redis node, not on a Cluster (docs/redis.md).
const KEYS_LUA = `
local p = ARGV[1]
local function listingKeys(userId, agentId)
  local keys = { p .. 'l:all' }
  if userId then keys[#keys + 1] = p .. 'u:' .. userId end
  if agentId then keys[#keys + 1] = p .. 'g:' .. agentId end
  if userId and agentId then keys[#keys + 1] = p .. 'ug:' .. #userId .. ':' .. userId .. agentId end
  return keys
end
local function unhex(h)
  return (string.gsub(h, '..', function(c) return string.char(tonumber(c, 16)) end))
end
-- A run's or trace's index member: <startedAt>\0<hex id>\0<hex sessionId> (keys.ts recordMember)
local function recordOf(member)
  local a = string.find(member, '\0', 1, true)
  local b = string.find(member, '\0', a + 1, true)
  return unhex(string.sub(member, a + 1, b - 1)), unhex(string.sub(member, b + 1))
end
-- A span's index member: <startedAt>\0<hex spanId> (keys.ts spanMember)
local function spanOf(member)
  return unhex(string.sub(member, string.find(member, '\0', 1, true) + 1))
end
local function runKey(sid, id) return p .. 'r:' .. #sid .. ':' .. sid .. id end
local function traceKey(sid, id) return p .. 'x:' .. #sid .. ':' .. sid .. id end
local function spansKey(sid, traceId) return p .. 'ps:' .. #sid .. ':' .. sid .. traceId end
local function spanKey(sid, traceId, id) return p .. 'p:' .. #sid .. ':' .. #traceId .. ':' .. sid .. traceId .. id end
`

/**
 * One batch of writes, atomically (a script runs alone on the server). ARGV[1] is the key
 * prefix, then per op: how many entries follow for it, kind ('m', 't', 'a' or 'r' for a
 * run, trace or span), session id, userId, agentId and name (each '' for null or 'v'
 * followed by the value), session metadata JSON, time; for 'm'/'t' the record id and its
 * JSON without seq; for 'a' the state's field, its JSON without startedAt, startedAt as JSON,
 * status and endedAt (nullable as above); for 'r' the phase ('s' or 'e'), the record's hash
 * key, its fields (a count, then name and nullable value pairs), the fields an end sets (a
 * count, then names), and the index entries a new record gets (sorted sets, then sets: a
 * count, then key and member pairs). A start creates the hash unless it exists; an end sets
 * its end fields on an existing hash, or creates it like a start (`Phase` in core/store.ts).
 * For 'e' (an edit): afterSeq, the expected last seq ('' none, 'n' no record, 'v' .. seq),
 * the count of appended records, then per record its kind ('m' or 't'), id and JSON without
 * seq. For 'k' (a session key): its name, the value (nullable as above) and the expected
 * value ('' none, 'n' absent, 'v' .. value). Every edit's expectation is checked before
 * anything is written: a conflict returns `{'conflict', op number, last seq}`.
 * Returns the seq of each op (an edit: its first appended seq; a session key: 1 applied, 0
 * not; 0 for the other kinds). Seqs come from HINCRBY on the session hash, so writers in
 * several processes never hand out one seq twice, and an edit never reuses one.
 */
const WRITE_LUA = `
local created = 0
local function opt(v)
  if v == '' then return false end
  return string.sub(v, 2)
end

local function upsertSession(i)
  local sid = ARGV[i + 1]
  local sk = p .. 's:' .. sid
  local at = ARGV[i + 6]
  local userId, agentId, name = opt(ARGV[i + 2]), opt(ARGV[i + 3]), opt(ARGV[i + 4])
  local createdAt = at
  local newUser, newAgent = false, false
  if redis.call('EXISTS', sk) == 0 then
    redis.call('HSET', sk, 'id', sid, 'metadata', ARGV[i + 5], 'createdAt', at, 'updatedAt', at, 'lastSeq', 0)
    redis.call('ZADD', p .. 'l:all', 0, at .. '\\0' .. sid)
    if name then redis.call('HSET', sk, 'name', name) end
    if userId then newUser = redis.call('HSET', sk, 'userId', userId) == 1 end
    if agentId then newAgent = redis.call('HSET', sk, 'agentId', agentId) == 1 end
  else
    createdAt = redis.call('HGET', sk, 'createdAt')
    redis.call('HSET', sk, 'updatedAt', at)
    if name then redis.call('HSETNX', sk, 'name', name) end
    if userId then newUser = redis.call('HSETNX', sk, 'userId', userId) == 1 end
    if agentId then newAgent = redis.call('HSETNX', sk, 'agentId', agentId) == 1 end
  end
  if newUser or newAgent then
    -- userId and agentId are set once, so a session enters each filter index exactly once
    local member = createdAt .. '\\0' .. sid
    local keys = listingKeys(redis.call('HGET', sk, 'userId'), redis.call('HGET', sk, 'agentId'))
    for k = 2, #keys do redis.call('ZADD', keys[k], 0, member) end
  end
  return sid, sk
end

local function phased(i)
  local key = ARGV[i + 8]
  local k = i + 9
  local count = tonumber(ARGV[k])
  local values, all = {}, {}
  for x = 1, count do
    local name, value = ARGV[k + 2 * x - 1], opt(ARGV[k + 2 * x])
    values[name] = value
    if value then all[#all + 1] = name; all[#all + 1] = value end
  end
  k = k + 2 * count + 1
  local ends = {}
  for x = 1, tonumber(ARGV[k]) do ends[x] = ARGV[k + x] end
  k = k + #ends + 1
  if redis.call('EXISTS', key) == 0 then
    created = created + 1
    redis.call('HSET', key, unpack(all))
    local zsets = tonumber(ARGV[k])
    for x = 1, zsets do redis.call('ZADD', ARGV[k + 2 * x - 1], 0, ARGV[k + 2 * x]) end
    k = k + 2 * zsets + 1
    for x = 1, tonumber(ARGV[k]) do redis.call('SADD', ARGV[k + 2 * x - 1], ARGV[k + 2 * x]) end
  elseif ARGV[i + 7] == 'e' then
    for _, name in ipairs(ends) do
      if values[name] then redis.call('HSET', key, name, values[name]) else redis.call('HDEL', key, name) end
    end
  end
end

-- The greatest seq of a session's stored messages and tool calls (0: none).
local function lastStoredSeq(sid)
  local last = 0
  for _, key in ipairs({ p .. 'm:' .. sid, p .. 't:' .. sid }) do
    local top = redis.call('ZREVRANGE', key, 0, 0, 'WITHSCORES')
    if top[2] and tonumber(top[2]) > last then last = tonumber(top[2]) end
  end
  return last
end

-- Before anything is written (a script that fails halfway keeps what it wrote): every edit's
-- expected last seq, against the stored records (the client sends an edit that follows a
-- write of its session in the batch on its own). Returns {'conflict', op number, last seq}.
local function checkEdits(j)
  local n = 0
  while j <= #ARGV do
    n = n + 1
    local i = j + 1
    j = i + tonumber(ARGV[j])
    if ARGV[i] == 'e' and ARGV[i + 8] ~= '' then
      local last = lastStoredSeq(ARGV[i + 1])
      local expected = 0
      if ARGV[i + 8] ~= 'n' then expected = tonumber(string.sub(ARGV[i + 8], 2)) end
      if last ~= expected then return { 'conflict', n, last } end
    end
  end
  return false
end

-- An edit: removes the records after afterSeq (their ids leave the idempotency set), then
-- appends its records at seqs after lastSeq, which only grows. Returns the first seq (0: none).
local function edit(i, sid, sk)
  local after = '(' .. ARGV[i + 7]
  local ids = p .. 'k:' .. sid
  for _, key in ipairs({ p .. 'm:' .. sid, p .. 't:' .. sid }) do
    for _, member in ipairs(redis.call('ZRANGEBYSCORE', key, after, '+inf')) do redis.call('SREM', ids, cjson.decode(member).id) end
    redis.call('ZREMRANGEBYSCORE', key, after, '+inf')
  end
  local count = tonumber(ARGV[i + 9])
  if count == 0 then return 0 end
  local first = redis.call('HINCRBY', sk, 'lastSeq', count) - count + 1
  for x = 0, count - 1 do
    local b = i + 10 + x * 3
    local seq = first + x
    if redis.call('SADD', ids, ARGV[b + 1]) == 1 then
      redis.call('ZADD', p .. ARGV[b] .. ':' .. sid, seq, '{"seq":' .. seq .. ',' .. string.sub(ARGV[b + 2], 2))
    end
  end
  return first
end

-- A session key: applied (1) unless its expectation ('' none, 'n' absent, 'v' .. value) does
-- not hold (0, and nothing is written, the session not even created).
-- The keys live in one hash per session: field 'v' .. name the value, 't' .. name when it was set.
local function sessionKey(i)
  local kk = p .. 'kv:' .. ARGV[i + 1]
  local name = ARGV[i + 7]
  local current = redis.call('HGET', kk, 'v' .. name)
  local expect = ARGV[i + 9]
  if expect == 'n' then
    if current then return 0 end
  elseif expect ~= '' and current ~= string.sub(expect, 2) then
    return 0
  end
  upsertSession(i)
  local value = opt(ARGV[i + 8])
  if value then redis.call('HSET', kk, 'v' .. name, value, 't' .. name, ARGV[i + 6]) else redis.call('HDEL', kk, 'v' .. name, 't' .. name) end
  return 1
end

local function writeOps(j)
local conflict = checkEdits(j)
if conflict then return conflict end
local seqs = {}
local n = 0
while j <= #ARGV do
  n = n + 1
  local i = j + 1
  j = i + tonumber(ARGV[j])
  local kind = ARGV[i]
  local sid, sk
  if kind ~= 'k' then sid, sk = upsertSession(i) end
  if kind == 'k' then
    seqs[n] = sessionKey(i)
  elseif kind == 'e' then
    seqs[n] = edit(i, sid, sk)
  elseif kind == 'r' then
    seqs[n] = 0
    phased(i)
  elseif kind == 'a' then
    seqs[n] = 0
    local ak = p .. 'a:' .. sid
    local field = ARGV[i + 7]
    local startedAt = ARGV[i + 9]
    if ARGV[i + 10] == 'ended' then
      local before = redis.call('HGET', ak, field)
      if before then startedAt = string.match(before, '^{"startedAt":("[^"]*"),') or startedAt end
    end
    redis.call('HSET', ak, field, '{"startedAt":' .. startedAt .. ',' .. string.sub(ARGV[i + 8], 2))
    local endedAt = opt(ARGV[i + 11])
    if endedAt then redis.call('HSET', sk, 'endedAt', endedAt) else redis.call('HDEL', sk, 'endedAt') end
  else
    local seq = redis.call('HINCRBY', sk, 'lastSeq', 1)
    seqs[n] = seq
    if redis.call('SADD', p .. 'k:' .. sid, ARGV[i + 7]) == 1 then
      redis.call('ZADD', p .. kind .. ':' .. sid, seq, '{"seq":' .. seq .. ',' .. string.sub(ARGV[i + 8], 2))
    end
  end
end
return seqs
end
`

export const WRITE_SCRIPT = script('write', `${KEYS_LUA}${WRITE_LUA}
return writeOps(2)
`)

/**
 * One session as an export carries it (`importSession`), atomically. ARGV: prefix, session
 * id, the session hash's fields (a count, then name and value pairs: written only when the
 * session is absent), its messages and tool calls (a count, then kind 'm' or 't', id, seq
 * and the member JSON with its seq), its agent states (a count, then field and value: set
 * unless present), its session keys (a count, then name, value and time: set unless the name
 * is present), then runs, traces and spans as `WRITE_SCRIPT` start ops. First every
 * record not stored by id is checked for its seq: a seq held by another record returns
 * `{-1, seq}` with nothing written. Then `lastSeq` is raised to the greatest seq written and
 * the session's `updatedAt` (and `endedAt`) is left as the import or the stored session had
 * it. Returns `{added}`: the records written.
 */
export const IMPORT_SCRIPT = script('import', `${KEYS_LUA}${WRITE_LUA}
local sid = ARGV[2]
local sk = p .. 's:' .. sid
local ids = p .. 'k:' .. sid
local j = 3
local fields = {}
for x = 1, tonumber(ARGV[j]) * 2 do fields[x] = ARGV[j + x] end
j = j + #fields + 1
local records = tonumber(ARGV[j])
local first = j + 1
j = j + records * 4 + 1
local fresh = {}
for x = 0, records - 1 do
  local b = first + x * 4
  if redis.call('SISMEMBER', ids, ARGV[b + 1]) == 0 then
    local seq = ARGV[b + 2]
    if #redis.call('ZRANGEBYSCORE', p .. 'm:' .. sid, seq, seq) > 0 or #redis.call('ZRANGEBYSCORE', p .. 't:' .. sid, seq, seq) > 0 then
      return {-1, tonumber(seq)}
    end
    fresh[#fresh + 1] = b
  end
end
local added = 0
local existed = redis.call('EXISTS', sk) == 1
local before = redis.call('HMGET', sk, 'updatedAt', 'endedAt')
if not existed then
  redis.call('HSET', sk, unpack(fields))
  local member = redis.call('HGET', sk, 'createdAt') .. '\0' .. sid
  for _, key in ipairs(listingKeys(redis.call('HGET', sk, 'userId'), redis.call('HGET', sk, 'agentId'))) do redis.call('ZADD', key, 0, member) end
  before = redis.call('HMGET', sk, 'updatedAt', 'endedAt')
  added = 1
end
local maxSeq = tonumber(redis.call('HGET', sk, 'lastSeq') or '0')
for _, b in ipairs(fresh) do
  local seq = tonumber(ARGV[b + 2])
  redis.call('SADD', ids, ARGV[b + 1])
  redis.call('ZADD', p .. ARGV[b] .. ':' .. sid, seq, ARGV[b + 3])
  if seq > maxSeq then maxSeq = seq end
  added = added + 1
end
redis.call('HSET', sk, 'lastSeq', maxSeq)
local states = tonumber(ARGV[j])
for x = 1, states do
  if redis.call('HSETNX', p .. 'a:' .. sid, ARGV[j + 2 * x - 1], ARGV[j + 2 * x]) == 1 then added = added + 1 end
end
j = j + states * 2 + 1
local keys = tonumber(ARGV[j])
for x = 0, keys - 1 do
  local b = j + 1 + x * 3
  if redis.call('HSETNX', p .. 'kv:' .. sid, 'v' .. ARGV[b], ARGV[b + 1]) == 1 then
    redis.call('HSET', p .. 'kv:' .. sid, 't' .. ARGV[b], ARGV[b + 2])
    added = added + 1
  end
end
j = j + keys * 3 + 1
writeOps(j)
redis.call('HSET', sk, 'updatedAt', before[1])
if before[2] then redis.call('HSET', sk, 'endedAt', before[2]) else redis.call('HDEL', sk, 'endedAt') end
return {added + created}
`)

/**
 * One page of a session index, newest first. ARGV: prefix, index key, upper bound (`+` or
 * `(<member>`), count. Returns each session's HGETALL reply, read in the same atomic step.
 */
export const LIST_SCRIPT = script('list', `
local members = redis.call('ZREVRANGEBYLEX', ARGV[2], ARGV[3], '-', 'LIMIT', 0, ARGV[4])
local sessions = {}
for i, member in ipairs(members) do
  local cut = string.find(member, '\\0', 1, true)
  sessions[i] = redis.call('HGETALL', ARGV[1] .. 's:' .. string.sub(member, cut + 1))
end
return sessions
`)

/**
 * A session's runs, newest first. ARGV: prefix, session id, index of the last (-1: all). Returns each
 * run's HGETALL reply, read in the same atomic step.
 */
export const RUNS_SCRIPT = script('runs', `${KEYS_LUA}
local sid = ARGV[2]
local runs = {}
for x, member in ipairs(redis.call('ZREVRANGE', p .. 'rs:' .. sid, 0, ARGV[3])) do
  runs[x] = redis.call('HGETALL', runKey(sid, (recordOf(member))))
end
return runs
`)

/**
 * Traces newest first, each with its spans oldest first, in one atomic step. ARGV: prefix,
 * the index to read (a session's, a user's or every trace's), count (-1: all), and a user id
 * that traces must have ('' for any: the session index filtered by user). Returns per trace
 * its HGETALL reply followed by the HGETALL replies of its spans.
 */
export const TRACES_SCRIPT = script('traces', `${KEYS_LUA}
local limit = tonumber(ARGV[3])
local user = ARGV[4]
local traces = {}
for _, member in ipairs(redis.call('ZREVRANGE', ARGV[2], 0, -1)) do
  if limit >= 0 and #traces >= limit then break end
  local id, sid = recordOf(member)
  local fields = redis.call('HGETALL', traceKey(sid, id))
  if user == '' or redis.call('HGET', traceKey(sid, id), 'userId') == user then
    local entry = { fields }
    for _, spanMember in ipairs(redis.call('ZRANGE', spansKey(sid, id), 0, -1)) do
      entry[#entry + 1] = redis.call('HGETALL', spanKey(sid, id, spanOf(spanMember)))
    end
    traces[#traces + 1] = entry
  end
end
return traces
`)

/**
 * Deletes a session, its records, agent states, runs, traces, spans, keys and index entries,
 * atomically. ARGV: prefix, session id. Returns 1 when the session existed, else 0.
 */
export const DELETE_SCRIPT = script('delete', `${KEYS_LUA}
local sid = ARGV[2]
local sk = p .. 's:' .. sid
local fields = redis.call('HMGET', sk, 'createdAt', 'userId', 'agentId')
if not fields[1] then return 0 end
local member = fields[1] .. '\\0' .. sid
for _, key in ipairs(listingKeys(fields[2], fields[3])) do redis.call('ZREM', key, member) end
for _, run in ipairs(redis.call('ZRANGE', p .. 'rs:' .. sid, 0, -1)) do redis.call('UNLINK', runKey(sid, (recordOf(run)))) end
for _, trace in ipairs(redis.call('ZRANGE', p .. 'xs:' .. sid, 0, -1)) do
  local tk = traceKey(sid, (recordOf(trace)))
  local userId = redis.call('HGET', tk, 'userId')
  if userId then redis.call('ZREM', p .. 'xu:' .. userId, trace) end
  redis.call('ZREM', p .. 'xl:all', trace)
  redis.call('UNLINK', tk)
end
for _, traceId in ipairs(redis.call('SMEMBERS', p .. 'pt:' .. sid)) do
  local spans = spansKey(sid, traceId)
  for _, span in ipairs(redis.call('ZRANGE', spans, 0, -1)) do redis.call('UNLINK', spanKey(sid, traceId, spanOf(span))) end
  redis.call('UNLINK', spans)
end
redis.call('UNLINK', sk, p .. 'm:' .. sid, p .. 't:' .. sid, p .. 'k:' .. sid, p .. 'a:' .. sid, p .. 'rs:' .. sid, p .. 'xs:' .. sid, p .. 'pt:' .. sid, p .. 'kv:' .. sid)
return 1
`)
