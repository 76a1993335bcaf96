-- bench/web/get.lua: wrk script: GET the path wrk was given with a bearer
-- token (TOKEN in the environment).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
