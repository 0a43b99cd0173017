-- wrk script for bench_web.sh: each connection asks the search page for the
-- queries below in turn, so that every shape is asked as often as the others.
-- One path per line, as bench_web.sh reads them back to check each first.
local paths = {
    "/search?q=package",
    "/search?q=font+size",
    "/search?q=%22regular+expression%22",
    "/search?q=table+AND+figure",
    "/search?q=install+OR+configure",
    "/search?q=manual+NOT+latex",
    "/search?q=title%3Aguide",
    "/search?q=pack%2A",
    "/search?q=fnotnote",
    "/search?q=document&kind=full-report",
    "/search?q=error&from=2000&to=2030",
    "/search?q=the&page=2",
    "/search",
    "/search?q=child&theme=neglect",
}

local n = 0

function init(args)
    n = math.random(#paths)
end

function request()
    n = n % #paths + 1
    return wrk.format("GET", paths[n])
end
