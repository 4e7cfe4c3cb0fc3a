-- The generation of a round's kept reports: any write to the round deletes the reports hash, and with it this mark,
-- so a report rendered from an older generation cannot be kept (keep-report.lua checks it). Creates the mark, with the
-- hash's expiry, when there is none. Returns nil for an unknown round.
local round_key, reports_key = KEYS[1], KEYS[2]
local new_epoch, ttl_ms = ARGV[1], ARGV[2]
if redis.call('EXISTS', round_key) == 0 then return false end
local epoch = redis.call('HGET', reports_key, '@epoch')
if not epoch then
  epoch = new_epoch
  redis.call('HSET', reports_key, '@epoch', epoch)
  redis.call('PEXPIRE', reports_key, ttl_ms)
end
return epoch
