#!/usr/bin/env python3
"""Calls under load: WORKSPACES workspaces connected to the voice provider through their
admin's form, then CALLS calls started within RAMP seconds across them, as the provider
would post them: the incoming call, the answer of one agent's device 1 to 5 s later, how
the <Dial> ended and the end of the call, each webhook signed with X-Twilio-Signature.
So that about CALLS calls ring at once. Prints each webhook's latency (median, p99, max),
non-200 answers and the server's memory.

Usage: bench/calls.py BASE_URL DATABASE_URL SERVER_PID [CALLS] [WORKSPACES] [RAMP]
The workspaces are those of `frontdesk seed --workspaces N` (load-0001...), whose admin's
password is the load seed's. Python's standard library only; psql for the setup.
"""
import asyncio
import base64
import hashlib
import hmac
import http.cookiejar
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

PASSWORD = "load-test-password"
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "benchbenchbench0123456789abcdef"


def psql(database_url, sql):
    out = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", database_url, "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def connect(base, slug, department):
    """Logs in as the workspace's admin and connects calls with one number to Support."""
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
    number = "+49301" + slug[-4:] + "00"
    post("/app/config/calls", {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN,
                               "number": number, "department": department})
    return number


def signature(url, params):
    data = url + "".join(k + v for k, v in sorted(params))
    digest = hmac.new(AUTH_TOKEN.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


async def webhook(host, port, base, path, params, latencies, failures, kind):
    body = urllib.parse.urlencode(params)
    request = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
               f"Content-Type: application/x-www-form-urlencoded\r\n"
               f"X-Twilio-Signature: {signature(base + path, params)}\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}")
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(request.encode())
    await writer.drain()
    status = (await reader.readline()).decode()
    await reader.read()
    latencies.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    writer.close()
    if " 200 " not in status:
        failures.append(f"{kind}: {status.strip()}")


async def call(host, port, base, token, number, agents, index, latencies, failures):
    sid = f"CAbench{index:06d}"
    hook = f"/voice/{token}"
    caller = f"+4915{index:08d}"
    await webhook(host, port, base, f"{hook}/incoming",
                  [("CallSid", sid), ("From", caller), ("To", number), ("CallStatus", "ringing")],
                  latencies, failures, "incoming")
    await asyncio.sleep(random.uniform(1, 5))
    agent = random.choice(agents)
    await webhook(host, port, base, f"{hook}/status?agent={agent}",
                  [("CallSid", sid + "leg"), ("ParentCallSid", sid), ("CallStatus", "in-progress")],
                  latencies, failures, "answered")
    await asyncio.sleep(random.uniform(1, 3))
    await webhook(host, port, base, f"{hook}/dial-status",
                  [("CallSid", sid), ("DialCallStatus", "completed")],
                  latencies, failures, "dial-status")
    await webhook(host, port, base, f"{hook}/status",
                  [("CallSid", sid), ("CallStatus", "completed"), ("CallDuration", "42")],
                  latencies, failures, "completed")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def percentile(values, share):
    return values[max(0, int(len(values) * share) - 1)]


async def main():
    base, database_url, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    calls = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    workspaces = int(sys.argv[5]) if len(sys.argv) > 5 else 20
    ramp = float(sys.argv[6]) if len(sys.argv) > 6 else 5
    parsed = urllib.parse.urlsplit(base)
    connected = []
    for n in range(1, workspaces + 1):
        slug = f"load-{n:04d}"
        department = psql(database_url, f"""select d.id from departments d join accounts a
            on a.id = d.account_id where a.slug = '{slug}' and d.name = 'Support'""")
        number = connect(base, slug, department)
        token = psql(database_url, f"""select v.channel_token from voice_settings v
            join accounts a on a.id = v.account_id where a.slug = '{slug}'""")
        agents = psql(database_url, f"""select da.agent_id from department_agents da
            join accounts a on a.id = da.account_id
            where a.slug = '{slug}' and da.department_id = '{department}'""").split()
        connected.append((token, number, agents))
    # Every agent of those workspaces online, on a web phone: each call rings them all.
    psql(database_url, f"""update agents set availability = 'online', device = 'web_phone'
        where account_id in (select id from accounts where slug <= 'load-{workspaces:04d}')""")
    print(f"{workspaces} workspaces connected; server RSS {rss_mib(pid):.1f} MiB")
    latencies, failures, tasks = {}, [], []
    started = time.perf_counter()
    for index in range(calls):
        await asyncio.sleep(max(0, started + index * ramp / calls - time.perf_counter()))
        token, number, agents = connected[index % len(connected)]
        tasks.append(asyncio.create_task(call(parsed.hostname, parsed.port, base, token, number,
                                              agents, index, latencies, failures)))
    peak = rss_mib(pid)
    await asyncio.gather(*tasks)
    print(f"{calls} calls started within {ramp:.0f} s (about {calls} ringing at once), "
          f"4 webhooks each, in {time.perf_counter() - started:.1f} s")
    every = []
    for kind, values in latencies.items():
        values.sort()
        every.extend(values)
        print(f"{kind:12} {len(values):5}  median {statistics.median(values):6.1f} ms  "
              f"p99 {percentile(values, 0.99):6.1f} ms  max {values[-1]:6.1f} ms")
    every.sort()
    print(f"{'all':12} {len(every):5}  median {statistics.median(every):6.1f} ms  "
          f"p99 {percentile(every, 0.99):6.1f} ms  (target: p99 under 100 ms)")
    print(f"non-200 answers: {len(failures)} {failures[:5]}")
    print(f"server RSS while ringing {peak:.1f} MiB, after {rss_mib(pid):.1f} MiB")
    tickets = psql(database_url, "select count(*) from calls where call_sid like 'CAbench%'")
    print(f"calls logged: {tickets}")


asyncio.run(main())
