-- Removes a finished job everywhere (its round set's name comes from the owner hash; all in the bucket's {jobs:<b>} slot).
local due_key, data_key, owner_key = KEYS[1], KEYS[2], KEYS[3]
local id = ARGV[1]
local round_set = redis.call('HGET', owner_key, id)
if round_set then redis.call('SREM', round_set, id) end
redis.call('ZREM', due_key, id)
redis.call('HDEL', data_key, id)
redis.call('HDEL', owner_key, id)
return 1
