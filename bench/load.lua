-- wrk's script for the bench's load test (bench/measures.py, measure_load): each
-- request takes the next path of the file named by BENCH_PATHS, each answer's X-Cache
-- header is counted, and the summary is printed as one JSON line after "BENCH ".
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = line
end
local next_path = 0
local threads = {}
hits = 0

setup = function(thread)
  threads[#threads + 1] = thread
end

request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

response = function(status, headers, body)
  if headers["X-Cache"] == "hit" then
    hits = hits + 1
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors
  local cached = 0
  for _, thread in ipairs(threads) do
    cached = cached + thread:get("hits")
  end
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %f, "p95_us": %d, "status": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "hits": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(95), errors.status,
    errors.connect, errors.read, errors.write, errors.timeout, cached
  ))
end
