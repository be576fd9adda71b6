-- wrk script: keep-alive simpleenroll with HTTP Basic (as bench/wrk-enroll.lua), counting the answers per HTTP status.
-- wrk -t1 -c32 -d10s -s bench/wrk-status.lua https://127.0.0.1:18443/.well-known/est/simpleenroll -- CSR_FILE BASIC_B64 THREADS
-- Prints "status CODE COUNT" lines at the end (all threads together). A load that is mostly refused (429) takes a CSR
-- per request too: when a thread has used its slice it starts it again, silently (the server accepts a CSR twice).
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  threads[#threads + 1] = thread
end

function init(args)
  local all = {}
  for line in io.lines(args[1]) do
    if #line > 0 then all[#all + 1] = line end
  end
  local count = tonumber(args[3])
  local slice = math.floor(#all / count)
  first = tid * slice + 1
  last = first + slice - 1
  csrs = all
  i = first - 1
  statuses = {}
  headers = { ["Authorization"] = "Basic " .. args[2], ["Content-Type"] = "application/pkcs10" }
end

function request()
  i = i + 1
  if i > last then i = first end
  return wrk.format("POST", nil, headers, csrs[i])
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses") or {}) do
      total[code] = (total[code] or 0) + n
    end
  end
  for code, n in pairs(total) do
    io.write(string.format("status %s %d\n", code, n))
  end
end
