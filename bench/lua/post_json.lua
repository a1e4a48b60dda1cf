-- wrk script: POST wrk.path with JSON bodies taken in turn from a file (one per line).
--   wrk ... -s bench/lua/post_json.lua URL -- BODY_FILE
local next_thread = 0

function setup(thread)
   thread:set("thread_index", next_thread)
   next_thread = next_thread + 1
end

function init(args)
   local requests = {}
   for line in io.lines(args[1]) do
      if line ~= "" then
         requests[#requests + 1] = wrk.format("POST", wrk.path,
                                              {["Content-Type"] = "application/json"}, line)
      end
   end
   if #requests == 0 then
      error("no bodies in " .. args[1])
   end
   pool = requests
   position = (thread_index * 7919) % #pool
end

function request()
   position = position % #pool + 1
   return pool[position]
end
