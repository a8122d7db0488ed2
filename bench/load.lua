-- wrk script of the benchmark (bench/benchmark.py sets the environment):
--   BENCH_METHOD, BENCH_COOKIE, BENCH_CSRF: how every request is sent
--   BENCH_DRAW=1: a credit draw body, each request with its own idempotency key
--   BENCH_DELAY_MS: mean pause before each request on a connection (a paced run, not a flood);
--     each pause is drawn from an exponential distribution, so that the connections together
--     send at random moments (close to Poisson arrivals) rather than in step
--   BENCH_OUT: where done() writes the run's figures as JSON

local method = os.getenv("BENCH_METHOD") or "GET"
local cookie = os.getenv("BENCH_COOKIE") or ""
local csrf = os.getenv("BENCH_CSRF") or ""
local draw = os.getenv("BENCH_DRAW") == "1"
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local out = os.getenv("BENCH_OUT")
local run_id = os.getenv("BENCH_RUN_ID") or tostring(os.time())

local threads = {}
local counter = 0

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_id or 0))
  wrk.method = method
  if cookie ~= "" then wrk.headers["Cookie"] = cookie end
  if csrf ~= "" then wrk.headers["x-csrftoken"] = csrf end
  if draw then wrk.headers["Content-Type"] = "application/json" end
end

function request()
  if draw then
    counter = counter + 1
    local body = string.format(
      '{"amount": -100, "kind": "adjustment", "note": "Benchmark draw", "idempotency_key": "bench-%s-%d-%d"}',
      run_id, thread_id or 0, counter)
    return wrk.format(nil, nil, nil, body)
  end
  return wrk.format()
end

if delay_ms > 0 then
  function delay()
    return math.floor(-math.log(1 - math.random()) * delay_ms + 0.5)
  end
end

function done(summary, latency, requests)
  if out == nil then return end
  local errors = summary.errors
  local file = io.open(out, "w")
  file:write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
  file:close()
end
