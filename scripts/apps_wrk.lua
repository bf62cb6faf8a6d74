-- wrk script for scripts/apps_bench.py: at the end of a run, one line
--   APPS_WRK_JSON {...}
-- with the totals, the error counts and the latency percentiles in microseconds
-- (wrk's own histogram), so that nothing is scraped from wrk's human-readable report.

local percentiles = {50, 75, 90, 99, 99.9}

local function key(p)
   return "p" .. string.gsub(tostring(p), "%.", "_") .. "_us"
end

done = function(summary, latency, requests)
   local parts = {
      string.format('"duration_us": %d', summary.duration),
      string.format('"requests": %d', summary.requests),
      string.format('"bytes": %d', summary.bytes),
      string.format('"errors_connect": %d', summary.errors.connect),
      string.format('"errors_read": %d', summary.errors.read),
      string.format('"errors_write": %d', summary.errors.write),
      string.format('"errors_status": %d', summary.errors.status),
      string.format('"errors_timeout": %d', summary.errors.timeout),
      string.format('"latency_mean_us": %.1f', latency.mean),
      string.format('"latency_stdev_us": %.1f', latency.stdev),
      string.format('"latency_max_us": %d', latency.max),
   }
   for _, p in ipairs(percentiles) do
      parts[#parts + 1] = string.format('"%s": %d', key(p), latency:percentile(p))
   end
   io.write("APPS_WRK_JSON {" .. table.concat(parts, ", ") .. "}\n")
end
