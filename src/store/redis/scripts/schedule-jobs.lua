-- Adds or replaces jobs by id. KEYS: due, data, owner, then one round set per job; ARGV: id, JSON, due time per job.
-- Returns the number of jobs.
local due_key, data_key, owner_key = KEYS[1], KEYS[2], KEYS[3]
local n = #ARGV / 3
for i = 1, n do
  local id, json, due, round_set = ARGV[3 * i - 2], ARGV[3 * i - 1], ARGV[3 * i], KEYS[3 + i]
  local old = redis.call('HGET', owner_key, id)
  if old and old ~= round_set then redis.call('SREM', old, id) end
  redis.call('HSET', data_key, id, json)
  redis.call('HSET', owner_key, id, round_set)
  redis.call('ZADD', due_key, due, id)
  redis.call('SADD', round_set, id)
end
return n
