-- Writes delivery markers (ARGV pairs after the TTL) into a round's marker hash, only while the round exists, and sets
-- the hash to expire ttl ms after this write. Returns 1 when the round exists.
local round_key, marks_key = KEYS[1], KEYS[2]
local ttl = tonumber(ARGV[1])
if redis.call('EXISTS', round_key) == 0 then return 0 end
-- Pair by pair: unpack() of thousands of fields would overflow Lua's stack.
for i = 2, #ARGV, 2 do redis.call('HSET', marks_key, ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', marks_key, ttl)
return 1
