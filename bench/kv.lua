-- wrk script for swarmkv's benchmark: GET or PUT key k<i> for i picked at random in [0, keys), spoken
-- as swarmkv's REST API or as etcd's JSON gateway.
--   SWARMKV_BENCH_TARGETS=127.0.0.1:P1,127.0.0.1:P2 wrk ... -s bench/kv.lua http://127.0.0.1:P1 -- PROTOCOL get|put KEYS [QUERY]
-- PROTOCOL swarmkv: GET /kv/k<i>, or PUT /kv/k<i> with {"value": <a ~100-byte JSON object>}; QUERY (e.g.
-- consistency=quorum), when given, is appended to every path. PROTOCOL etcd: POST /v3/kv/range
-- {"key": base64("k<i>")}, or POST /v3/kv/put with the same object, base64, as the value. Key names and
-- values match bench/populate.ts and bench/etcd.ts, which write every key before the GETs.
-- With several targets, thread n loads target ((n - 1) mod #targets) + 1: wrk connects all of a thread's
-- connections to the thread's address, so the threads are what spreads the load over a cluster's nodes,
-- as a client holding a connection pool per node does.
-- SWARMKV_BENCH_THREAD_RATE (requests per second per thread), when set, paces the load: each thread
-- sends on a fixed schedule (one request every 1/rate s, whichever of its connections is free), so the
-- offered rate stays fixed whatever the latency (see docs/performance.md for what wrk2 would add).
-- Every request is formatted once, on first use, so that wrk spends its CPU (it shares the 2 cores with
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

local base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function base64(text)
  local out = {}
  for i = 1, #text, 3 do
    local a, b, c = text:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local chars = 2 + (b and 1 or 0) + (c and 1 or 0)
    for j = 1, 4 do
      if j <= chars then
        local index = math.floor(n / 2 ^ (6 * (4 - j))) % 64
        out[#out + 1] = base64_alphabet:sub(index + 1, index + 1)
      else
        out[#out + 1] = "="
      end
    end
  end
  return table.concat(out)
end

local payload = string.rep("x", 80)

local function swarmkv_request(mode, i, suffix, headers)
  local path = "/kv/k" .. i .. suffix
  if mode == "put" then
    headers["Content-Type"] = "application/json"
    return wrk.format("PUT", path, headers, '{"value":{"id":' .. i .. ',"payload":"' .. payload .. '"}}')
  end
  return wrk.format("GET", path, headers)
end

local function etcd_request(mode, i, headers)
  headers["Content-Type"] = "application/json"
  local key = base64("k" .. i)
  if mode == "put" then
    local value = base64('{"id":' .. i .. ',"payload":"' .. payload .. '"}')
    return wrk.format("POST", "/v3/kv/put", headers, '{"key":"' .. key .. '","value":"' .. value .. '"}')
  end
  return wrk.format("POST", "/v3/kv/range", headers, '{"key":"' .. key .. '"}')
end

local requests = {}
local request_count = 0
local format_request = nil

-- init() runs in wrk's main thread before each thread starts, and wrk's clock starts after the last one:
-- work done here lets the first threads run before the measured time begins, inflating req/s (by ~20%
-- for 2-second runs on a loaded machine, with 10,000 requests formatted per thread). So each request is
-- formatted on first use instead, and kept.
function init(args)
  local protocol = args[1]
  local mode = args[2]
  local keys = tonumber(args[3])
  local query = args[4]
  assert(protocol == "swarmkv" or protocol == "etcd", "the first script argument is swarmkv or etcd")
  assert(mode == "get" or mode == "put", "the second script argument is get or put")
  assert(keys ~= nil and keys >= 1, "the third script argument is the key count")
  local suffix = (query ~= nil and query ~= "") and ("?" .. query) or ""
  math.randomseed(os.time() * 100 + (thread_number or 0))
  format_request = function(i)
    local headers = {}
    if host_header ~= nil then headers["Host"] = host_header end
    if protocol == "etcd" then return etcd_request(mode, i, headers) end
    return swarmkv_request(mode, i, suffix, headers)
  end
  request_count = keys
end

function request()
  local index = math.random(request_count)
  local formatted = requests[index]
  if formatted == nil then
    formatted = format_request(index - 1)
    requests[index] = formatted
  end
  return formatted
end

-- Pacing, defined only for a paced run: wrk calls delay() before every request once it exists, which an
-- unpaced run should not pay for. Top-level code runs in every Lua state, so each thread paces itself.
local thread_rate = tonumber(os.getenv("SWARMKV_BENCH_THREAD_RATE") or "")
if thread_rate ~= nil and thread_rate > 0 then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } swarmkv_bench_timespec;
    int clock_gettime(int clock_id, swarmkv_bench_timespec *tp);
  ]]
  local CLOCK_MONOTONIC = 1
  local now = ffi.new("swarmkv_bench_timespec")
  local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, now)
    return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
  end
  local interval_ms = 1000 / thread_rate
  local next_ms = nil

  -- Each call claims the next slot of the thread's schedule and waits for it (wrk takes whole ms).
  function delay()
    local current = now_ms()
    next_ms = (next_ms or current) + interval_ms
    local wait = next_ms - interval_ms - current
    if wait <= 0 then return 0 end
    return math.floor(wait + 0.5)
  end
end
