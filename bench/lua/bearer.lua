-- wrk script: GET wrk.path with "Authorization: Bearer <token>", rotating over the
-- tokens in a file (one per line). Each thread starts at its own offset.
--   wrk ... -s bench/lua/bearer.lua URL -- TOKEN_FILE
local next_thread = 0

function setup(thread)
   thread:set("thread_index", next_thread)
   next_thread = next_thread + 1
end

function init(args)
   local requests = {}
   for line in io.lines(args[1]) do
      if line ~= "" then
         requests[#requests + 1] = wrk.format("GET", wrk.path,
                                              {["Authorization"] = "Bearer " .. line})
      end
   end
   if #requests == 0 then
      error("no tokens in " .. args[1])
   end
   pool = requests
   position = (thread_index * 7919) % #pool
end

function request()
   position = position % #pool + 1
   return pool[position]
end
