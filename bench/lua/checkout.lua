-- Checkout: each request is a customer whose cart holds one line, placing the order with a
-- fresh Idempotency-Key, in one of the seeded slots. Threads take disjoint customers, each
-- customer once.
dofile("bench/lua/common.lua")
local out = os.getenv("BENCH_OUT")
local offset = tonumber(os.getenv("CHECKOUT_OFFSET") or "0")
local tokens, slots, n, step

function init(args)
  tokens = lines(out .. "/checkout-tokens.txt")
  slots = lines(out .. "/slots.txt")
  n = offset + id
  step = tonumber(os.getenv("THREADS") or "2")
end

function request()
  n = n + step
  local token = tokens[n % #tokens + 1]
  return wrk.format("POST", "/api/v1/orders/", {
    ["Content-Type"] = "application/json",
    ["X-Session-Token"] = token,
    ["Idempotency-Key"] = string.format("bench-%d-%d-%d", offset, id, n),
  }, string.format('{"slot": %s}', slots[n % #slots + 1]))
end
