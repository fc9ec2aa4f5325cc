-- Checkout: each request is a customer whose cart holds one line, placing the order with a
-- fresh Idempotency-Key. Threads take disjoint customers, each customer once.
dofile("bench/lua/common.lua")
local out = os.getenv("BENCH_OUT")
local slot = os.getenv("SLOT")
local offset = tonumber(os.getenv("CHECKOUT_OFFSET") or "0")
local tokens, n, step

function init(args)
  tokens = lines(out .. "/checkout-tokens.txt")
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
  }, string.format('{"slot": %s}', slot))
end
