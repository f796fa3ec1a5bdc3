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
import random
import statistics
import sys
import time
import urllib.parse

from loadlib import admin, percentile, psql, rss_mib, support_department, timed_post

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "benchbenchbench0123456789abcdef"


def connect(base, slug, department):
    """Connects calls with one number to Support, as the workspace's admin."""
    post = admin(base, slug)
    number = "+49301" + slug[-4:] + "00"
    post("/app/config/calls", {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN,
                               "number": number, "department": department})
    return number


def signature(url, params):
    data = url + "".join(k + v for k, v in sorted(params))
    digest = hmac.new(AUTH_TOKEN.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


async def webhook(host, port, base, path, params, latencies, failures, kind):
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Twilio-Signature": signature(base + path, params)}
    status, ms = await timed_post(host, port, path, headers, urllib.parse.urlencode(params))
    latencies.setdefault(kind, []).append(ms)
    if " 200 " not in status:
        failures.append(f"{kind}: {status}")


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


async def main():
    base, database_url, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    calls = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    workspaces = int(sys.argv[5]) if len(sys.argv) > 5 else 20
    ramp = float(sys.argv[6]) if len(sys.argv) > 6 else 5
    parsed = urllib.parse.urlsplit(base)
    connected = []
    for n in range(1, workspaces + 1):
        slug = f"load-{n:04d}"
        department = support_department(database_url, slug)
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
