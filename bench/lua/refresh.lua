-- wrk script: POST /auth/token-refresh with single-use refresh tokens, each sent with the
-- access token of its pair (the route requires it). Each thread takes its own share of
-- the pairs in a file (one "REFRESH ACCESS" per line) and puts the pair of every 200
-- answer back in its queue, so a chain of rotations runs as long as wrk does.
-- A thread whose queue ran dry sends a refused token (counted as a non-2xx answer).
--   wrk ... -s bench/lua/refresh.lua URL/auth/token-refresh -- TOKEN_FILE THREADS
local next_thread = 0

function setup(thread)
   thread:set("thread_index", next_thread)
   next_thread = next_thread + 1
end

local function request_for(pair)
   return wrk.format("POST", wrk.path, {["Content-Type"] = "application/json",
                                        ["Authorization"] = "Bearer " .. pair[2]},
                     '{"refreshToken":"' .. pair[1] .. '"}')
end

function init(args)
   local threads = tonumber(args[2]) or 1
   local n = 0
   queue, head, tail = {}, 1, 0
   for line in io.lines(args[1]) do
      if line ~= "" then
         if n % threads == thread_index then
            local refresh, access = string.match(line, "^(%S+)%s+(%S+)$")
            tail = tail + 1
            queue[tail] = {refresh, access}
         end
         n = n + 1
      end
   end
   dry = request_for({"no-token-left", "no-token-left"})
end

function request()
   if head > tail then
      return dry
   end
   local pair = queue[head]
   queue[head] = nil
   head = head + 1
   return request_for(pair)
end

function response(status, headers, body)
   if status == 200 then
      local refresh = string.match(body, '"refreshToken"%s*:%s*"([^"]+)"')
      local access = string.match(body, '"accessToken"%s*:%s*"([^"]+)"')
      if refresh and access then
         tail = tail + 1
         queue[tail] = {refresh, access}
      end
   end
end
