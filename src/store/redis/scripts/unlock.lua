-- Releases a lock only if this holder's token still holds it. Returns 1 when released.
local lock_key, token = KEYS[1], ARGV[1]
if redis.call('GET', lock_key) == token then return redis.call('DEL', lock_key) end
return 0
