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

/** How many ARGV entries one write op takes in `WRITE_SCRIPT`. */
export const FIELDS_PER_OP = 12

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
`

/**
 * One batch of writes, atomically (a script runs alone on the server). ARGV[1] is the key
 * prefix, then FIELDS_PER_OP entries per op: kind ('m', 't' or 'a'), session id, userId,
 * agentId and name (each '' for null or 'v' followed by the value), session metadata JSON,
 * time; for 'm'/'t' the record id and its JSON without seq; for 'a' the state's field, its
 * JSON without startedAt, startedAt as JSON, status and endedAt (nullable as above).
 * Returns the seq of each op (0 for agent states). Seqs come from HINCRBY on the session
 * hash, so writers in several processes never hand out one seq twice.
 */
export const WRITE_SCRIPT = script('write', `${KEYS_LUA}
local seqs = {}
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

local ops = (#ARGV - 1) / ${FIELDS_PER_OP}
for n = 1, ops do
  local i = 2 + (n - 1) * ${FIELDS_PER_OP}
  local kind = ARGV[i]
  local sid, sk = upsertSession(i)
  if kind == 'a' then
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
 * Deletes a session, its records, agent states and index entries, atomically.
 * ARGV: prefix, session id. Returns 1 when the session existed, else 0.
 */
export const DELETE_SCRIPT = script('delete', `${KEYS_LUA}
local sid = ARGV[2]
local sk = p .. 's:' .. sid
local fields = redis.call('HMGET', sk, 'createdAt', 'userId', 'agentId')
if not fields[1] then return 0 end
local member = fields[1] .. '\\0' .. sid
for _, key in ipairs(listingKeys(fields[2], fields[3])) do redis.call('ZREM', key, member) end
redis.call('UNLINK', sk, p .. 'm:' .. sid, p .. 't:' .. sid, p .. 'k:' .. sid, p .. 'a:' .. sid)
return 1
`)
