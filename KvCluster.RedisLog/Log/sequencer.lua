-- KvCluster sequencer: appends a batch of commands to the log in one atomic step (group commit).
-- KEYS[1] = sequence counter, KEYS[2] = log stream, KEYS[3] = chain hash of the last entry
-- ARGV[1] = key prefix, ARGV[2] = idempotency-key TTL (s), ARGV[3] = request-id TTL (s),
-- then 3 arguments per command: the command's bytes (EntryBlob), its idempotency key, its request id.
-- Returns, per command, two integers: its sequence number and 1 when it was already in the log.
local prefix = ARGV[1]
local idempotencyTtl = tonumber(ARGV[2])
local requestTtl = tonumber(ARGV[3])
local fieldsPerCommand = 3
local count = (#ARGV - 3) / fieldsPerCommand

local now = redis.call('TIME')
local sequencedAt = string.format('%.0f', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local chain = redis.call('GET', KEYS[3]) or ''

-- Length-prefixed, so no two different entries hash the same bytes. Nodes recompute this to verify the chain.
local function field(text)
  return #text .. ':' .. text
end

local replies = {}
for i = 0, count - 1 do
  local base = 3 + i * fieldsPerCommand
  local command, idempotencyKey, requestId = ARGV[base + 1], ARGV[base + 2], ARGV[base + 3]

  local earlier = redis.call('GET', prefix .. 'rid:' .. requestId)
  if not earlier and idempotencyKey ~= '' then
    earlier = redis.call('GET', prefix .. 'idem:' .. idempotencyKey)
  end

  if earlier then
    replies[#replies + 1] = tonumber(earlier)
    replies[#replies + 1] = 1
  else
    seq = seq + 1
    local seqText = string.format('%.0f', seq)
    chain = redis.sha1hex(field(chain) .. field(seqText) .. field(command) .. field(sequencedAt))
    redis.call('XADD', KEYS[2], seqText .. '-0', 'e', command, 't', sequencedAt, 'h', chain)
    redis.call('SET', prefix .. 'rid:' .. requestId, seqText, 'EX', requestTtl)
    if idempotencyKey ~= '' then
      redis.call('SET', prefix .. 'idem:' .. idempotencyKey, seqText, 'EX', idempotencyTtl)
    end
    replies[#replies + 1] = seq
    replies[#replies + 1] = 0
  end
end

redis.call('SET', KEYS[1], string.format('%.0f', seq))
redis.call('SET', KEYS[3], chain)
return replies
