namespace KvCluster.Log.Redis;

/// <summary>The Lua scripts that make publishing a checkpoint and trimming the log atomic.</summary>
internal static class CheckpointScripts
{
    /// <summary>
    /// Publishes a checkpoint whose chunks are all written: refuses when the published one is as new or newer,
    /// checks every chunk exists, makes them permanent (they were written with a TTL so an abandoned write
    /// expires by itself), deletes the previous checkpoint's chunks and replaces the manifest, in one step.
    /// KEYS[1] manifest. ARGV: chunk key prefix, seq, id, chunks, bytes, sha256, chain hash, created ms.
    /// Returns {1, previous seq} published, {0, published seq} superseded, {-1, index} a chunk is missing.
    /// Keys are built from ARGV strings, never from Lua numbers (which would print large seqs as 1e+15).
    /// </summary>
    public const string Publish = """
        local prefix, seq, id, chunks = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
        local current = redis.call('HMGET', KEYS[1], 'seq', 'id', 'chunks')
        if current[1] and tonumber(current[1]) >= tonumber(seq) then
          return {0, tonumber(current[1])}
        end
        for i = 0, chunks - 1 do
          if redis.call('EXISTS', prefix .. seq .. ':' .. id .. ':' .. i) == 0 then
            return {-1, i}
          end
        end
        for i = 0, chunks - 1 do
          redis.call('PERSIST', prefix .. seq .. ':' .. id .. ':' .. i)
        end
        local previous = 0
        if current[1] then
          previous = tonumber(current[1])
          for i = 0, (tonumber(current[3]) or 0) - 1 do
            redis.call('UNLINK', prefix .. current[1] .. ':' .. current[2] .. ':' .. i)
          end
        end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'seq', seq, 'id', id, 'chunks', ARGV[4], 'bytes', ARGV[5],
          'sha256', ARGV[6], 'chainHash', ARGV[7], 'createdUnixMs', ARGV[8])
        return {1, previous}
        """;

    /// <summary>
    /// Trims the log below min(requested, published checkpoint seq + 1), so Redis always holds checkpoint + tail
    /// whoever calls it and whenever. KEYS[1] manifest, KEYS[2] log. ARGV[1] the lowest seq the caller wants kept,
    /// ARGV[2] the most entries to remove in this call: XTRIM frees what it removes before Redis does anything else,
    /// and a long tail of 10 KiB entries (about 1 GB) held every command up for 134 ms, so callers trim in steps.
    /// Returns {seq kept from after this call, entries removed, 1 when more remains to trim}; {0, 0, 0} when there
    /// is no checkpoint yet.
    /// </summary>
    public const string Trim = """
        local published = redis.call('HGET', KEYS[1], 'seq')
        if not published then
          return {0, 0, 0}
        end
        local keep = tonumber(ARGV[1])
        local limit = tonumber(published) + 1
        if keep > limit then keep = limit end
        if keep <= 1 then return {keep, 0, 0} end
        local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)[1]
        if not first then return {keep, 0, 0} end
        local stepEnd = tonumber(string.match(first[1], '^%d+')) + tonumber(ARGV[2])
        local more = 0
        if stepEnd < keep then
          keep = stepEnd
          more = 1
        end
        local removed = redis.call('XTRIM', KEYS[2], 'MINID', string.format('%d', keep))
        return {keep, removed, more}
        """;
}
