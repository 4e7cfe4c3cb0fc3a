-- Privacy erasure in one round: the member's votes move to the replacement (the tallies stay), their answers,
-- summaries and remembered name go. Fields are <F>|<M> with both parts encoded (no '|' inside), so a suffix match on
-- '|' .. member is an exact member match. Returns {votes moved, answers deleted}. Needs answer-meta.lua.
local round_key, votes_key, voted_at_key, answers_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local answer_meta_key, answer_stats_key, answer_order_key, names_key, reports_key = KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local member, replacement, name_field = '|' .. ARGV[1], '|' .. ARGV[2], ARGV[3]
if redis.call('EXISTS', round_key) == 0 then return {0, 0} end
-- Kept reports of the round are rendered again without the member.
redis.call('DEL', reports_key)
local function owned(field)
  return #field > #member and string.sub(field, -#member) == member
end
local moved = 0
for _, key in ipairs({votes_key, voted_at_key}) do
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local field = all[i]
    if owned(field) then
      redis.call('HSET', key, string.sub(field, 1, #field - #member) .. replacement, all[i + 1])
      redis.call('HDEL', key, field)
      if key == votes_key then moved = moved + 1 end
    end
  end
end
local dropped = 0
local answers = redis.call('HGETALL', answers_key)
for i = 1, #answers, 2 do
  if owned(answers[i]) then
    redis.call('HDEL', answers_key, answers[i])
    dropped = dropped + 1
  end
end
-- Summaries go with their answers (and any left without one, whatever wrote it), out of the totals and order too.
for _, field in ipairs(redis.call('HKEYS', answer_meta_key)) do
  if owned(field) then forget_answer_meta(answer_meta_key, answer_stats_key, answer_order_key, field) end
end
redis.call('HDEL', names_key, name_field)
return {moved, dropped}
