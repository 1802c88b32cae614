-- wrk script: POSTs pre-signed webhook bodies, one per request, cycling through the file.
-- BODIES = file of "sha256=<hex>\t<json>" lines; DELAY_MS = optional pause per connection (paced runs).
local bodies, sigs, n = {}, {}, 0
i = 0  -- global: done() reads it from each thread with thread:get("i")
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")

init = function(args)
  for line in io.lines(os.getenv("BODIES")) do
    local tab = line:find("\t", 1, true)
    n = n + 1
    sigs[n] = line:sub(1, tab - 1)
    bodies[n] = line:sub(tab + 1)
  end
  -- each wrk thread starts at a different offset so bodies (and message ids) are not reused
  i = (tonumber(os.getenv("OFFSET") or "0"))
end

request = function()
  i = i + 1
  local k = ((i - 1) % n) + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["X-Hub-Signature-256"] = sigs[k]}, bodies[k])
end

delay = function()
  return delay_ms
end

done = function(summary, latency, requests)
  -- issued: how many bodies were handed to connections (completed + in flight when wrk stopped); bodies
  -- are taken in file order, so the bench can check every issued message id in the database.
  local issued = 0
  for _, thread in ipairs(threads) do
    issued = issued + thread:get("i")
  end
  io.write(string.format("RESULT issued=%d requests=%d non2xx=%d errors=%d p50_ms=%.2f p99_ms=%.2f duration_s=%.2f\n",
    issued, summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
end
