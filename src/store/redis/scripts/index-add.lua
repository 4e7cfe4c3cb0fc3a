-- Indexes a round under its tenant (before the round is written: an entry without a round is skipped on reads).
local tenants_key, tenant_rounds_key = KEYS[1], KEYS[2]
local tenant, score, round_id = ARGV[1], ARGV[2], ARGV[3]
redis.call('SADD', tenants_key, tenant)
redis.call('ZADD', tenant_rounds_key, 'NX', score, round_id)
return 1
