-- Removes a deleted round from its tenant's index and active channels (both in the tenant's slot).
-- Returns how many rounds the tenant has left; the caller takes the tenant out of the tenant set at 0.
local tenant_rounds_key, active_key = KEYS[1], KEYS[2]
local round_id = ARGV[1]
redis.call('ZREM', tenant_rounds_key, round_id)
local active = redis.call('HGETALL', active_key)
for i = 1, #active, 2 do
  if active[i + 1] == round_id then redis.call('HDEL', active_key, active[i]) end
end
return redis.call('ZCARD', tenant_rounds_key)
