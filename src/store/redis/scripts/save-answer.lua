-- Replaces a member's answer and its summary in one go, only while the round exists. Needs answer-meta.lua.
local round_key, answers_key, answer_meta_key, answer_stats_key, answer_order_key, reports_key =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local field, answer_json, summary, filled, links, order_entry = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if redis.call('EXISTS', round_key) == 0 then return 0 end
redis.call('DEL', reports_key)
redis.call('HSET', answers_key, field, answer_json)
forget_answer_meta(answer_meta_key, answer_stats_key, answer_order_key, field)
remember_answer_meta(answer_meta_key, answer_stats_key, answer_order_key, field, summary, filled, links, order_entry)
return 1
