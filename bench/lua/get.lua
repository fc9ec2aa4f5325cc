-- A GET with the status counts; BENCH_HEADER adds one header ("Name: value").
dofile("bench/lua/common.lua")
local header = os.getenv("BENCH_HEADER")
if header and header ~= "" then
  local name, value = header:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end
