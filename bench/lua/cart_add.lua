-- Cart add: each request is another customer adding another product.
dofile("bench/lua/common.lua")
local out = os.getenv("BENCH_OUT")
local tokens, products, n

function init(args)
  tokens = lines(out .. "/cart-tokens.txt")
  products = lines(out .. "/products.txt")
  n = id * 7919
end

function request()
  n = n + 1
  local body = string.format('{"product": %s, "quantity": 1}', products[n % #products + 1])
  return wrk.format("POST", "/api/v1/cart/items/", {
    ["Content-Type"] = "application/json",
    ["X-Session-Token"] = tokens[n % #tokens + 1],
  }, body)
end
