#!/usr/bin/env python3
"""bench/sweep/crawl.py BASE_URL USER PASSWORD [MAX_URLS]

Signs in to a running `isms serve` and walks every page a person can reach
from the dashboard by its links (GET only, this site only), a few of each
kind: a page's kind is its path with record keys put as {KEY} and its
query's names (/risks/{KEY}, /risks?q&sort).
Each page is fetched twice; the lesser time counts (the second is the
warm one: no write comes between). Prints one tab-separated line a page:
kind, url, status, ms, bytes, the page that linked to it. Standard library only: a benchmark aid, not
part of the product.
"""
import html.parser
import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

PER_KIND = 3
KEY = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-\d+$|^[A-Z0-9-]+:[^/]+$")
# Not pages to read: signing out, files; the return on controls, a Monte
# Carlo run over the control set that a request stops after its what-if
# limit (bench/quant measures it).
SKIP = re.compile(r"^/(signout|static/|favicon|controls/roi)")


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            for name, value in attrs:
                if name == "href" and value:
                    self.hrefs.append(value)


def kind(url):
    u = urllib.parse.urlsplit(url)
    parts = ["{KEY}" if KEY.match(urllib.parse.unquote(p)) else p for p in u.path.split("/")]
    q = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
    names = sorted({k for k, _ in q})
    return "/".join(parts) + ("?" + "&".join(names) if names else "")


def fetch(opener, url):
    t0 = time.perf_counter()
    try:
        with opener.open(url, timeout=300) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as err:
        body = err.read()
        status = err.code
    return status, (time.perf_counter() - t0) * 1000, body


def main():
    base, user, password = sys.argv[1:4]
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else 400
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = urllib.parse.urlencode({"user": user, "password": password, "next": "/"}).encode()
    opener.open(base + "/signin", data=form, timeout=60).read()
    seen_kinds = {}
    queue, seen = [("/", "")], {"/"}
    done = 0
    while queue and done < limit:
        path, came_from = queue.pop(0)
        status, first, body = fetch(opener, base + path)
        _, again, _ = fetch(opener, base + path)
        done += 1
        print(f"{kind(path)}\t{path}\t{status}\t{min(first, again):.1f}\t{len(body)}\t{came_from}", flush=True)
        if status != 200 or not body.lstrip().startswith(b"<"):
            continue
        p = Links()
        p.feed(body.decode("utf-8", "replace"))
        for href in p.hrefs:
            u = urllib.parse.urlsplit(urllib.parse.urljoin(base + path, href))
            if u.netloc != urllib.parse.urlsplit(base).netloc or SKIP.match(u.path):
                continue
            rel = u.path + ("?" + u.query if u.query else "")
            k = kind(rel)
            if rel in seen or seen_kinds.get(k, 0) >= PER_KIND:
                continue
            seen.add(rel)
            seen_kinds[k] = seen_kinds.get(k, 0) + 1
            queue.append((rel, path))


if __name__ == "__main__":
    main()
