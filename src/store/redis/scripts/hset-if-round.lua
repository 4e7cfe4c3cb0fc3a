-- Writes field/value pairs (ARGV) into one of a round's hashes, only while the round exists (card refs, names).
-- Returns 1 when the round exists. Kept reports of the round (KEYS[3]) go: a name shows in them.
local round_key, hash_key, reports_key = KEYS[1], KEYS[2], KEYS[3]
if redis.call('EXISTS', round_key) == 0 then return 0 end
redis.call('DEL', reports_key)
-- Pair by pair (unpack() of thousands of names would overflow Lua's stack), and only what changes: any write, even of
-- the same value, makes a round update that WATCHes the hash (updateRound) start again.
for i = 1, #ARGV, 2 do
  if redis.call('HGET', hash_key, ARGV[i]) ~= ARGV[i + 1] then redis.call('HSET', hash_key, ARGV[i], ARGV[i + 1]) end
end
return 1
