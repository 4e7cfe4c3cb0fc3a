-- Removes a deleted round from its tenant's index and active channels; the tenant goes when it has no round left.
local tenants_key, tenant_rounds_key, active_key = KEYS[1], KEYS[2], KEYS[3]
local tenant, round_id = ARGV[1], ARGV[2]
redis.call('ZREM', tenant_rounds_key, round_id)
local active = redis.call('HGETALL', active_key)
for i = 1, #active, 2 do
  if active[i + 1] == round_id then redis.call('HDEL', active_key, active[i]) end
end
if redis.call('ZCARD', tenant_rounds_key) == 0 then redis.call('SREM', tenants_key, tenant) end
return 1
