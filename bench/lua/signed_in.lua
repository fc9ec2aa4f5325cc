-- A GET as a signed-in app: each request another customer's session token.
dofile("bench/lua/common.lua")
local out = os.getenv("BENCH_OUT")
local tokens, n

function init(args)
  tokens = lines(out .. "/cart-tokens.txt")
  n = id * 7919
end

function request()
  n = n + 1
  return wrk.format("GET", wrk.path, { ["X-Session-Token"] = tokens[n % #tokens + 1] })
end
