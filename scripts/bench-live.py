#!/usr/bin/env python3
"""The live panel under load: N open event streams (the panel of N agents' tabs), then a
customer's ticket from the contact form; prints how long the event took to reach every
stream, and the server's memory before and after the streams opened.

Usage: scripts/bench-live.py BASE_URL WORKSPACE EMAILS PASSWORD [STREAMS] [SERVER_PID]
EMAILS is a comma-separated list of agents sharing PASSWORD (as `frontdesk seed --load`
makes them): an agent holds at most 10 open streams (the server ends the oldest beyond
that), so STREAMS may be at most ten times as many.
Needs aiohttp (pip install aiohttp). Run against a server of your own, e.g. `make run`.
"""
import asyncio
import json
import re
import statistics
import sys
import time

import aiohttp


def rss_kib(pid):
    if pid is None:
        return None
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


async def log_in(session, base, workspace, email, password):
    async with session.get(f"{base}/login") as page:
        token = re.search(r'name="csrf_token" value="([^"]+)"', await page.text()).group(1)
    form = {"csrf_token": token, "workspace": workspace, "email": email, "password": password}
    async with session.post(f"{base}/login", data=form, allow_redirects=False) as answer:
        assert answer.status == 303, f"login answered {answer.status}"


async def stream(session, base, ready, arrived):
    async with session.get(f"{base}/app/events", timeout=aiohttp.ClientTimeout(total=None)) as events:
        async for raw in events.content:
            line = raw.decode().strip()
            if not line.startswith("data:"):
                continue
            kind = json.loads(line[5:])["kind"]
            if kind == "hello":
                ready.release()
            elif kind == "new_ticket":
                arrived.append(time.perf_counter())
                return


MAX_STREAMS = 10


async def main():
    base, workspace, emails, password = sys.argv[1:5]
    emails = emails.split(",")
    count = int(sys.argv[5]) if len(sys.argv) > 5 else MAX_STREAMS * len(emails)
    pid = int(sys.argv[6]) if len(sys.argv) > 6 else None
    if count > MAX_STREAMS * len(emails):
        sys.exit(f"{count} streams need at least {-(-count // MAX_STREAMS)} agents")
    sessions = [aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) for _ in emails]
    try:
        for session, email in zip(sessions, emails):
            await log_in(session, base, workspace, email, password)
        before = rss_kib(pid)
        ready = asyncio.Semaphore(0)
        arrived = []
        tasks = [asyncio.create_task(stream(sessions[n % len(sessions)], base, ready, arrived))
                 for n in range(count)]
        for _ in range(count):
            await ready.acquire()
        opened = rss_kib(pid)
        customer = aiohttp.ClientSession()
        async with customer.get(f"{base}/help/{workspace}/contact") as page:
            token = re.search(r'name="csrf_token" value="([^"]+)"', await page.text()).group(1)
        form = {"csrf_token": token, "name": "Load Test", "email": "load@example.com",
                "subject": "Live panel load test", "type": "other", "message": "Hello"}
        sent = time.perf_counter()
        async with customer.post(f"{base}/help/{workspace}/contact", data=form,
                                 allow_redirects=False) as answer:
            assert answer.status == 303, f"contact form answered {answer.status}"
        await customer.close()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
        if len(arrived) < count:
            sys.exit(f"the new ticket reached {len(arrived)} of {count} streams")
        latencies = sorted((at - sent) * 1000 for at in arrived)
        print(f"{count} streams of {len(emails)} agents; the new ticket reached all of them")
        print(f"latency ms: p50 {statistics.median(latencies):.1f}  "
              f"p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f}  max {latencies[-1]:.1f}")
        if before is not None:
            print(f"server RSS: {before / 1024:.1f} MiB before, {opened / 1024:.1f} MiB with the "
                  f"streams open ({(opened - before) / count:.1f} KiB a stream)")
    finally:
        for session in sessions:
            await session.close()


asyncio.run(main())
