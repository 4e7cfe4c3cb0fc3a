-- Creates a round unless its id exists: the JSON, its status and a fresh revision. Returns 1 when created.
local round_key, status_key, rev_key = KEYS[1], KEYS[2], KEYS[3]
local json, status, rev = ARGV[1], ARGV[2], ARGV[3]
if redis.call('EXISTS', round_key) == 1 then return 0 end
redis.call('SET', round_key, json)
redis.call('SET', status_key, status)
redis.call('SET', rev_key, rev)
return 1
