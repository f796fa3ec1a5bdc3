"""Shared by the webhook benchmarks (bench/calls.py, bench/social.py): psql for the setup,
an admin's logged-in form posts, the server's memory and percentiles. Standard library
only."""
import asyncio
import http.cookiejar
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "load-test-password"


def psql(database_url, sql):
    out = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", database_url, "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def admin(base, slug):
    """Logs in as the load seed's admin of workspace `slug`; returns `post(path, fields)`,
    which submits a form with its CSRF token and expects the redirect of a form taken."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener.add_handler(NoRedirect())

    def token(path):
        page = opener.open(base + path).read().decode()
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def post(path, fields):
        data = urllib.parse.urlencode({**fields, "csrf_token": token(path)}).encode()
        try:
            opener.open(base + path, data)
        except urllib.error.HTTPError as answer:
            assert answer.code == 303, f"{path} answered {answer.code}"

    post("/login", {"workspace": slug, "email": "admin@load.example", "password": PASSWORD})
    return post


def support_department(database_url, slug):
    return psql(database_url, f"""select d.id from departments d join accounts a
        on a.id = d.account_id where a.slug = '{slug}' and d.name = 'Support'""")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def percentile(values, share):
    return values[max(0, int(len(values) * share) - 1)]


async def timed_post(host, port, path, headers, body):
    """POSTs `body` (str) on a connection of its own, as a provider's webhook does; returns
    the status line and the milliseconds until the whole answer was read."""
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{head}"
               f"Content-Length: {len(body.encode())}\r\nConnection: close\r\n\r\n{body}")
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(request.encode())
    await writer.drain()
    status = (await reader.readline()).decode().strip()
    await reader.read()
    writer.close()
    return status, (time.perf_counter() - started) * 1000
