-- bench/web/create.lua: wrk script: POST /api/v1/risks with a bearer
-- token (TOKEN in the environment), one new risk per request.
local token = os.getenv("TOKEN")
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
    n = n + 1
    local body = string.format(
        '{"title":"Bench risk %d via the API","owner":"PER-2","objectives":["OBJ-1"],' ..
        '"likelihood":%d,"impact":%d,"treatment":"mitigate"}', n, n % 5 + 1, (n * 7) % 5 + 1)
    return wrk.format(nil, "/api/v1/risks", nil, body)
end
