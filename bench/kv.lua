-- wrk script for swarmkv's benchmark: GET or PUT /kv/k<i> for i picked at random in [0, keys).
--   SWARMKV_BENCH_TARGETS=127.0.0.1:P1,127.0.0.1:P2 wrk ... -s bench/kv.lua http://127.0.0.1:P1 -- get|put KEYS [QUERY]
-- A PUT sends {"value": <a ~100-byte JSON object>} as application/json. The key names and the body
-- match bench/populate.ts, which writes every key before the GETs so that every GET hits. QUERY, when
-- given (e.g. consistency=quorum), is appended to every path.
-- With several targets, thread n loads target ((n - 1) mod #targets) + 1: wrk connects all of a thread's
-- connections to the thread's address, so the threads are what spreads the load over a cluster's nodes.
-- Every request is formatted once, in init(), so that wrk spends its CPU (it shares the 2 cores with
-- the server) on sending requests rather than building them.

local thread_count = 0
local targets = nil

local function parse_targets()
  local list = {}
  for host, port in string.gmatch(os.getenv("SWARMKV_BENCH_TARGETS") or "", "([^,:]+):(%d+)") do
    list[#list + 1] = { host = host, port = port }
  end
  return list
end

-- Runs in the main Lua state, once per thread: numbers the threads so each seeds its own sequence,
-- and points each at its target.
function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
  targets = targets or parse_targets()
  if #targets > 0 then
    local target = targets[((thread_count - 1) % #targets) + 1]
    local addresses = wrk.lookup(target.host, target.port)
    assert(addresses ~= nil and #addresses > 0, "cannot resolve " .. target.host .. ":" .. target.port)
    thread.addr = addresses[1]
    thread:set("host_header", target.host .. ":" .. target.port)
  end
end

local requests = {}
local request_count = 0

function init(args)
  local mode = args[1]
  local keys = tonumber(args[2])
  local query = args[3]
  assert(mode == "get" or mode == "put", "the first script argument is get or put")
  assert(keys ~= nil and keys >= 1, "the second script argument is the key count")
  local suffix = (query ~= nil and query ~= "") and ("?" .. query) or ""
  math.randomseed(os.time() * 100 + (thread_number or 0))
  local payload = string.rep("x", 80)
  for i = 0, keys - 1 do
    local path = "/kv/k" .. i .. suffix
    local headers = {}
    if host_header ~= nil then headers["Host"] = host_header end
    if mode == "put" then
      headers["Content-Type"] = "application/json"
      local body = '{"value":{"id":' .. i .. ',"payload":"' .. payload .. '"}}'
      requests[i + 1] = wrk.format("PUT", path, headers, body)
    else
      requests[i + 1] = wrk.format("GET", path, headers)
    end
  end
  request_count = keys
end

function request()
  return requests[math.random(request_count)]
end
