-- Library (prepended to vote.lua and snapshot.lua): the summaries of a factor's first answers with links, in the
-- answer order (entries <F>|<time, 15 digits>|<M>, all score 0, so they sort by time, then member).

-- Appends field, summary pairs of factor `f`'s first `limit` answers with links to `out`. Two reads per answer shown,
-- whatever the number of answers.
local function answer_preview(order_key, meta_key, f, limit, out)
  for _, entry in ipairs(redis.call('ZRANGEBYLEX', order_key, '[' .. f .. '|', '(' .. f .. '}', 'LIMIT', 0, limit)) do
    local field = f .. '|' .. string.match(entry, '^[^|]*|[^|]*|(.*)$')
    local summary = redis.call('HGET', meta_key, field)
    if summary then
      out[#out + 1] = field
      out[#out + 1] = summary
    end
  end
  return out
end
