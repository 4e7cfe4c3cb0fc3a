-- Compare-and-set of one record (a field of a collection's hash): writes the new value, or deletes the field when the
-- new value is empty, only while the field still holds what the caller read ('' for absent). Returns 1 when written.
local hash_key = KEYS[1]
local field, expected, value = ARGV[1], ARGV[2], ARGV[3]
local current = redis.call('HGET', hash_key, field)
if current == false then current = '' end
if current ~= expected then return 0 end
if value == '' then redis.call('HDEL', hash_key, field) else redis.call('HSET', hash_key, field, value) end
return 1
