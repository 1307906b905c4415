-- KvCluster sequencer: appends a batch of commands to the log in one atomic step (group commit).
-- KEYS[1] = sequence counter, KEYS[2] = log stream, KEYS[3] = chain hash of the last entry
-- ARGV[1] = key prefix, ARGV[2] = idempotency-key TTL (s), ARGV[3] = request-id TTL (s), ARGV[4] = the channel on
-- which the new head is announced (nodes wake up on it and read the stream),
-- then one group per append request (a node's batch): its request id, its command count, and three arguments per
-- command: the command's bytes (EntryBlob), its idempotency key and its digest (XXH128 of the bytes, hex).
-- A group whose request id was sequenced before (a retried request) is answered with the sequence numbers it got
-- then; one record per group, not per command, keeps that check to one GET and one SET per request.
-- Returns, per command, two integers: its sequence number and 1 when it was already in the log.
local prefix = ARGV[1]
local idempotencyTtl = tonumber(ARGV[2])
local requestTtl = tonumber(ARGV[3])
local headChannel = ARGV[4]

-- Numbers are formatted with %d: Lua's own number-to-text conversion (%.14g) and %.0f go through glibc's slow
-- floating-point printing, which was a visible share of Redis's time per entry.
local now = redis.call('TIME')
local sequencedAt = string.format('%d', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local headBefore = seq
local chain = redis.call('GET', KEYS[3]) or ''

-- The hash covers length-prefixed fields ("len:text" for the previous hash, the sequence number, the command's
-- digest and the time), so no two different entries hash the same bytes. The coordinator computes the digest:
-- hashing a 10 KiB command here cost Redis's one thread about as much as the rest of the append. Nodes recompute
-- the digest from the bytes they read and then the chain (ChainHash), so the chain still covers every byte.
-- The field "x" names this form (an XXH128 digest); entries from earlier sequencers carry their hash in "c" (a
-- SHA-1 digest) or "h" (the command's bytes themselves).
local sequencedAtField = string.format('%d:%s', #sequencedAt, sequencedAt)

local replies = {}
local a = 5
while a <= #ARGV do
  local requestId, count = ARGV[a], tonumber(ARGV[a + 1])
  a = a + 2
  local earlier = requestId ~= '' and redis.call('GET', prefix .. 'rid:' .. requestId)
  if earlier then
    for seqText in string.gmatch(earlier, '%d+') do
      replies[#replies + 1] = tonumber(seqText)
      replies[#replies + 1] = 1
    end
  else
    local landed = {}
    for i = 0, count - 1 do
      local command, idempotencyKey, digest = ARGV[a + 3 * i], ARGV[a + 3 * i + 1], ARGV[a + 3 * i + 2]
      local before = idempotencyKey ~= '' and redis.call('GET', prefix .. 'idem:' .. idempotencyKey)
      if before then
        landed[#landed + 1] = before
        replies[#replies + 1] = tonumber(before)
        replies[#replies + 1] = 1
      else
        seq = seq + 1
        local seqText = string.format('%d', seq)
        chain = redis.sha1hex(string.format('%d:%s%d:%s%d:%s', #chain, chain, #seqText, seqText, #digest, digest) .. sequencedAtField)
        redis.call('XADD', KEYS[2], seqText .. '-0', 'e', command, 't', sequencedAt, 'x', chain)
        if idempotencyKey ~= '' then
          redis.call('SET', prefix .. 'idem:' .. idempotencyKey, seqText, 'EX', idempotencyTtl)
        end
        landed[#landed + 1] = seqText
        replies[#replies + 1] = seq
        replies[#replies + 1] = 0
      end
    end
    if requestId ~= '' then
      redis.call('SET', prefix .. 'rid:' .. requestId, table.concat(landed, ','), 'EX', requestTtl)
    end
  end
  a = a + 3 * count
end

-- Only when something was appended: a batch of retries changes nothing and wakes nobody.
if seq ~= headBefore then
  local head = string.format('%d', seq)
  redis.call('SET', KEYS[1], head)
  redis.call('SET', KEYS[3], chain)
  redis.call('PUBLISH', headChannel, head)
end
return replies
