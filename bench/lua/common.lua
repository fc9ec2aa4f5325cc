-- Shared by the wrk scripts: read a file's lines, and count the replies by status so
-- the run can report 5xx apart from the refusals a workload expects.
function lines(path)
  local t = {}
  for line in io.lines(path) do t[#t + 1] = line end
  return t
end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status >= 500 then server_errors = (server_errors or 0) + 1
  elseif status >= 400 then refusals = (refusals or 0) + 1 end
end

function done(summary, latency, requests)
  local fivexx, fourxx = 0, 0
  for _, thread in ipairs(threads) do
    fivexx = fivexx + (thread:get("server_errors") or 0)
    fourxx = fourxx + (thread:get("refusals") or 0)
  end
  io.write(string.format("STATUS 5xx=%d 4xx=%d\n", fivexx, fourxx))
end
