-- Puts a failed job back with its new JSON and due time; a job cancelled meanwhile stays cancelled. Returns 1 if kept.
local due_key, data_key = KEYS[1], KEYS[2]
local id, json, due = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HEXISTS', data_key, id) == 0 then return 0 end
redis.call('HSET', data_key, id, json)
redis.call('ZADD', due_key, due, id)
return 1
