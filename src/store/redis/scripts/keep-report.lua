-- Keeps a rendered report under `field`, only if the round still exists and nothing has written to it since the
-- rendering began (the reports hash still carries the same generation mark). Returns 1 when kept.
local round_key, reports_key = KEYS[1], KEYS[2]
local epoch, field, body, ttl_ms = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('EXISTS', round_key) == 0 then return 0 end
if redis.call('HGET', reports_key, '@epoch') ~= epoch then return 0 end
redis.call('HSET', reports_key, field, body)
redis.call('PEXPIRE', reports_key, ttl_ms)
return 1
