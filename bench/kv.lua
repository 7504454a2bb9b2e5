-- wrk script for swarmkv's benchmark: GET or PUT /kv/k<i> for i picked at random in [0, keys).
--   wrk ... -s bench/kv.lua http://127.0.0.1:PORT -- get|put KEYS
-- A PUT sends {"value": <a ~100-byte JSON object>} as application/json. The key names and the body
-- match bench/populate.ts, which writes every key before the GETs so that every GET hits.
-- Every request is formatted once, in init(), so that wrk spends its CPU (it shares the 2 cores with
-- the server) on sending requests rather than building them.

local thread_count = 0

-- Runs in the main Lua state, once per thread: numbers the threads so each seeds its own sequence.
function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
end

local requests = {}
local request_count = 0

function init(args)
  local mode = args[1]
  local keys = tonumber(args[2])
  assert(mode == "get" or mode == "put", "the first script argument is get or put")
  assert(keys ~= nil and keys >= 1, "the second script argument is the key count")
  math.randomseed(os.time() * 100 + (thread_number or 0))
  local payload = string.rep("x", 80)
  for i = 0, keys - 1 do
    local path = "/kv/k" .. i
    if mode == "put" then
      local body = '{"value":{"id":' .. i .. ',"payload":"' .. payload .. '"}}'
      requests[i + 1] = wrk.format("PUT", path, { ["Content-Type"] = "application/json" }, body)
    else
      requests[i + 1] = wrk.format("GET", path, {})
    end
  end
  request_count = keys
end

function request()
  return requests[math.random(request_count)]
end
