-- One slot's request checks, atomically. KEYS are the keys; ARGV has four fields per key:
-- operation, rate, burst, period (seconds). Operations:
--   L  count one event against a GCRA limit (generic cell rate algorithm): the key holds the
--      theoretical arrival time; answers allowed (1/0), remaining, retry after and reset after
--      (seconds, as text to keep the fraction)
--   E  whether the key exists (a revoked session): 1/0
--   G  the key's integer value (a tenant's change generation), 0 when absent
--   P  like L, but only tells whether one more event would be allowed: nothing is stored
-- Every key answers four fields, so the caller can split the answer by position.
local t = redis.call('TIME')
-- Seconds since 2024-01-01, with microseconds: small enough that a double keeps the precision.
local now = (tonumber(t[1]) - 1704067200) + tonumber(t[2]) / 1000000
local out = {}
for i, key in ipairs(KEYS) do
  local base = (i - 1) * 4
  local op = ARGV[base + 1]
  if op == 'L' or op == 'P' then
    local rate, burst, period = tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4])
    local interval = period / rate
    local tolerance = interval * burst
    local tat = tonumber(redis.call('GET', key)) or now
    if tat < now then tat = now end
    local new_tat = tat + interval
    local diff = now - (new_tat - tolerance)
    if diff < 0 then
      out[#out + 1] = '0'
      out[#out + 1] = '0'
      out[#out + 1] = string.format('%.6f', -diff)
      out[#out + 1] = string.format('%.6f', tat - now)
    else
      local reset = new_tat - now
      if op == 'L' then
        redis.call('SET', key, string.format('%.6f', new_tat), 'PX', math.max(1, math.ceil(reset * 1000)))
      end
      out[#out + 1] = '1'
      out[#out + 1] = tostring(math.floor(diff / interval + 1e-9))
      out[#out + 1] = '0'
      out[#out + 1] = string.format('%.6f', reset)
    end
  elseif op == 'E' then
    out[#out + 1] = tostring(redis.call('EXISTS', key))
  else
    out[#out + 1] = redis.call('GET', key) or '0'
  end
  if op ~= 'L' and op ~= 'P' then
    for _ = 1, 3 do out[#out + 1] = '0' end
  end
end
return out
