-- Leases the given job ids of one bucket that are still due at `now` (not claimed by another replica since they were
-- picked) until `lease_until`, and returns their JSON in the order given (a lease is a later due time).
local due_key, data_key = KEYS[1], KEYS[2]
local now, lease_until = tonumber(ARGV[1]), ARGV[2]
local out = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local due = redis.call('ZSCORE', due_key, id)
  if due and tonumber(due) <= now then
    local json = redis.call('HGET', data_key, id)
    if json then
      redis.call('ZADD', due_key, lease_until, id)
      out[#out + 1] = json
    else
      redis.call('ZREM', due_key, id)
    end
  end
end
return out
