-- A round as one read: its JSON, revision and remembered names at the same instant. A script and not MULTI, which
-- would drop a WATCH that updateRound holds on the shared connection.
local round_key, rev_key, names_key = KEYS[1], KEYS[2], KEYS[3]
local round = redis.call('GET', round_key)
if not round then return {false, false, {}} end
return {round, redis.call('GET', rev_key), redis.call('HGETALL', names_key)}
