-- Cancels a round's jobs, only those of the given kinds when any are given (ARGV). Returns how many went.
local due_key, data_key, owner_key, round_set = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local kinds = nil
if #ARGV > 0 then
  kinds = {}
  for _, kind in ipairs(ARGV) do kinds[kind] = true end
end
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', round_set)) do
  local json = redis.call('HGET', data_key, id)
  if not json then
    redis.call('SREM', round_set, id)
  elseif (not kinds) or kinds[cjson.decode(json).kind] then
    redis.call('ZREM', due_key, id)
    redis.call('HDEL', data_key, id)
    redis.call('HDEL', owner_key, id)
    redis.call('SREM', round_set, id)
    n = n + 1
  end
end
return n
