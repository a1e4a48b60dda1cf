-- wrk script: requests built from the lines of a file, taken in turn; each thread
-- starts at its own offset.
--   wrk ... -s bench/lua/rotate.lua URL -- bearer TOKEN_FILE   GET, "Authorization: Bearer <line>"
--   wrk ... -s bench/lua/rotate.lua URL -- json BODY_FILE      POST, the line as a JSON body
local next_thread = 0

function setup(thread)
   thread:set("thread_index", next_thread)
   next_thread = next_thread + 1
end

local function request_for(mode, line)
   if mode == "bearer" then
      return wrk.format("GET", wrk.path, {["Authorization"] = "Bearer " .. line})
   end
   return wrk.format("POST", wrk.path, {["Content-Type"] = "application/json"}, line)
end

function init(args)
   local mode, requests = args[1], {}
   if mode ~= "bearer" and mode ~= "json" then
      error("mode must be bearer or json, not " .. tostring(mode))
   end
   for line in io.lines(args[2]) do
      if line ~= "" then
         requests[#requests + 1] = request_for(mode, line)
      end
   end
   if #requests == 0 then
      error("no lines in " .. args[2])
   end
   pool = requests
   position = (thread_index * 7919) % #pool
end

function request()
   position = position % #pool + 1
   return pool[position]
end
