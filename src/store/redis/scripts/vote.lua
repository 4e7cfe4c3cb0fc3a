-- One vote, atomically: checks the revision the caller decided on and that the round is open, drops a repeated
-- interaction, moves the member's vote and the factor's counts, and (when asked) keeps the voter's display name and
-- reads what the voter's own card shows. Needs answer-preview.lua.
local status_key, interaction_key, votes_key, voted_at_key, counts_key, rev_key =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local answers_key, answer_meta_key, answer_stats_key, answer_order_key, names_key =
  KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11]
local field, level, at, interaction_ttl_ms, factor, expected_rev =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local with_view, preview_links, name_field, name = ARGV[7] == '1', tonumber(ARGV[8]), ARGV[9], ARGV[10]
local p = factor .. '|'

local prev = redis.call('HGET', votes_key, field) or ''

-- Reply: {outcome (1 accepted, 0 round not open, 2 stale revision), applied, previous level, four counts,
-- then with the view: answers total, evidence total, preview {field, summary…}, the voter's answer JSON or false}.
local function reply(outcome, applied)
  local c = redis.call('HMGET', counts_key, p .. 'in-place', p .. 'partly', p .. 'not-in-place', p .. 'dont-know')
  local out = {outcome, applied, prev, tonumber(c[1]) or 0, tonumber(c[2]) or 0, tonumber(c[3]) or 0, tonumber(c[4]) or 0}
  if with_view then
    local totals = redis.call('HMGET', answer_stats_key, p .. 'answers', p .. 'evidence')
    out[8] = tonumber(totals[1]) or 0
    out[9] = tonumber(totals[2]) or 0
    out[10] = answer_preview(answer_order_key, answer_meta_key, factor, preview_links, {})
    out[11] = redis.call('HGET', answers_key, field)
  end
  return out
end

-- A round without a revision (written by an older release) has nothing to compare: a vote made on one is stale.
if expected_rev ~= '' and redis.call('GET', rev_key) ~= expected_rev then return reply(2, 0) end
if redis.call('GET', status_key) ~= 'open' then return reply(0, 0) end
-- Never touches the revision. Written only when new: a write, even of the same value, would make a round update
-- that WATCHes the names (updateRound) start again.
if name_field ~= '' and redis.call('HGET', names_key, name_field) ~= name then
  redis.call('HSET', names_key, name_field, name)
end
if not redis.call('SET', interaction_key, '1', 'NX', 'PX', interaction_ttl_ms) then return reply(1, 0) end
if prev ~= level then
  redis.call('HSET', votes_key, field, level)
  if prev ~= '' then redis.call('HINCRBY', counts_key, p .. prev, -1) end
  redis.call('HINCRBY', counts_key, p .. level, 1)
end
redis.call('HSET', voted_at_key, field, at)
return reply(1, 1)
