-- wrk script: GET requests cycling through a file of paths (one per line), e.g. the OCSP GET paths of RFC 6960 §A.1
-- that bench/Estuary.Bench.Seed writes with --samples-dir.
-- wrk -t2 -c16 -d5s --latency -s bench/wrk-paths.lua http://127.0.0.1:18080 -- PATHS_FILE
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  i = tid * 7919
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
