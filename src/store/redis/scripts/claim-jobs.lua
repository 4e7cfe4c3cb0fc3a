-- Leases up to `limit` jobs of one bucket due at `now` until `lease_until`, earliest first, and returns their JSON
-- (a lease is a later due time). Whatever another replica leased meanwhile is simply not there any more.
local due_key, data_key = KEYS[1], KEYS[2]
local now, limit, lease_until = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', due_key, '-inf', now, 'LIMIT', 0, limit)) do
  local json = redis.call('HGET', data_key, id)
  if json then
    redis.call('ZADD', due_key, lease_until, id)
    out[#out + 1] = json
  else
    redis.call('ZREM', due_key, id)
  end
end
return out
