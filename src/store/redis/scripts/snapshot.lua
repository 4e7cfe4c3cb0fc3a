-- A round's snapshot in one call: the round JSON, counts, votes and answers (each optional), answer totals, a
-- preview per factor and the remembered names. Factors are found by jumping through the answer order (two range
-- reads each), so the preview's cost does not grow with the number of answers. Needs answer-preview.lua.
local round_key, counts_key, votes_key, answers_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local answer_meta_key, answer_stats_key, answer_order_key, names_key = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local with_answers, with_votes, preview_links = ARGV[1] == '1', ARGV[2] == '1', tonumber(ARGV[3])

local round = redis.call('GET', round_key)
if not round then return {false} end
local votes, answers, preview = {}, {}, {}
if with_votes then votes = redis.call('HGETALL', votes_key) end
if with_answers then answers = redis.call('HGETALL', answers_key) end
local start = '-'
while true do
  local first = redis.call('ZRANGEBYLEX', answer_order_key, start, '+', 'LIMIT', 0, 1)[1]
  if not first then break end
  local f = string.sub(first, 1, string.find(first, '|', 1, true) - 1)
  answer_preview(answer_order_key, answer_meta_key, f, preview_links, preview)
  start = '(' .. f .. '}'
end
return {
  round,
  redis.call('HGETALL', counts_key),
  votes,
  answers,
  redis.call('HGETALL', answer_stats_key),
  preview,
  redis.call('HGETALL', names_key),
}
