-- wrk script: keep-alive simpleenroll with HTTP Basic, each request with its own pre-generated CSR.
-- wrk -t2 -c64 -d10s --latency -s bench/wrk-enroll.lua https://127.0.0.1:18443/.well-known/est/simpleenroll -- CSR_FILE BASIC_B64 THREADS
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  local all = {}
  for line in io.lines(args[1]) do
    if #line > 0 then all[#all + 1] = line end
  end
  local threads = tonumber(args[3])
  local slice = math.floor(#all / threads)
  first = tid * slice + 1
  last = first + slice - 1
  csrs = all
  i = first - 1
  headers = { ["Authorization"] = "Basic " .. args[2], ["Content-Type"] = "application/pkcs10" }
end

function request()
  i = i + 1
  if i > last then
    i = first
    io.stderr:write("wrk-enroll.lua: thread ran out of CSRs and reuses them; generate more\n")
  end
  return wrk.format("POST", nil, headers, csrs[i])
end
