-- wrk's script for the bench's load test (bench/measures.py, measure_load): each
-- request takes the next path of the file named by BENCH_PATHS, and the summary is
-- printed as one JSON line after "BENCH ".
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = line
end
local next_path = 0

request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %f, "p95_us": %d, "status": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(95), errors.status,
    errors.connect, errors.read, errors.write, errors.timeout
  ))
end
