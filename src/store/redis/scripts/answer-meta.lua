-- Library (prepended to save-answer.lua and erase-member.lua): keeps a factor's answer totals and preview order in
-- step with its answers' summaries. The summary format and the order entry are defined in src/store/answer-summary.ts;
-- this redoes only the arithmetic. Fields are <F>|<M>, both encoded, so they hold exactly one '|'.

-- Takes an answer's summary out of the factor's totals and the answer order, and deletes it.
local function forget_answer_meta(meta_key, stats_key, order_key, field)
  local old = redis.call('HGET', meta_key, field)
  if not old then return end
  local sep = string.find(field, '|', 1, true)
  local f, m = string.sub(field, 1, sep - 1), string.sub(field, sep + 1)
  local filled, links, at = string.match(old, '^(%d)|(%d+)|(%d+)|')
  if filled then
    if filled == '1' then redis.call('HINCRBY', stats_key, f .. '|answers', -1) end
    if tonumber(links) > 0 then
      redis.call('HINCRBY', stats_key, f .. '|evidence', -tonumber(links))
      redis.call('ZREM', order_key, f .. '|' .. string.format('%015d', tonumber(at)) .. '|' .. m)
    end
  end
  redis.call('HDEL', meta_key, field)
end

-- Puts an answer's summary in, with its share of the totals and (when it has links) its order entry.
local function remember_answer_meta(meta_key, stats_key, order_key, field, summary, filled, links, order_entry)
  local f = string.sub(field, 1, string.find(field, '|', 1, true) - 1)
  redis.call('HSET', meta_key, field, summary)
  if filled == '1' then redis.call('HINCRBY', stats_key, f .. '|answers', 1) end
  if tonumber(links) > 0 then
    redis.call('HINCRBY', stats_key, f .. '|evidence', tonumber(links))
    redis.call('ZADD', order_key, 0, order_entry)
  end
end
