#!/usr/bin/env python3
"""Live chat under load: VISITORS chats, each visitor with its event stream open on one
`serve` process, and RATE visitor messages a second posted to random chats for SECONDS;
prints the server's memory and the latency from the POST being sent to the line
arriving on that chat's stream (median, p99).

Usage: bench/chat.py BASE_URL DATABASE_URL SERVER_PID [VISITORS] [RATE] [SECONDS]
The chats are made straight in the database (starting chats through the form is limited
per client address), in a workspace `chatbench` that the script (re)creates.
Needs aiohttp (apt-get install python3-aiohttp) and psql.
"""
import asyncio
import random
import statistics
import subprocess
import sys
import time

import aiohttp

SEED = """
delete from accounts where slug = 'chatbench';
with account as (
    insert into accounts (id, slug, company) values (gen_random_uuid(), 'chatbench', 'Chat bench')
    returning id
), numbered as (
    select a.id as account_id, n, gen_random_uuid() as ticket_id from account a, generate_series(1, {count}) n
), made as (
    insert into tickets (account_id, id, number, subject, customer_email, customer_token, channel)
    select account_id, ticket_id, n, 'Bench chat ' || n, '', 'bench-ticket-' || n, 'chat' from numbered
    returning account_id, id, number
)
insert into chats (account_id, id, visitor_token, created_at)
select account_id, id, 'bench-' || number, now() from made;
update accounts set last_ticket_number = {count} where slug = 'chatbench';
"""


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def follow(session, base, number, ready, waiting, latencies):
    url = f"{base}/help/chatbench/chat/bench-{number}/events"
    async with session.get(url, timeout=aiohttp.ClientTimeout(total=None)) as events:
        ready.release()
        async for raw in events.content:
            line = raw.decode().strip()
            if line.startswith("data:") and '"body":"' in line:
                body = line.split('"body":"', 1)[1].split('"', 1)[0]
                sent = waiting.pop(body, None)
                if sent is not None:
                    latencies.append((time.perf_counter() - sent) * 1000)


async def send(session, base, number, body, waiting):
    waiting[body] = time.perf_counter()
    async with session.post(f"{base}/help/chatbench/chat/bench-{number}",
                            data={"message": body}, allow_redirects=False) as answer:
        assert answer.status == 303, f"a message answered {answer.status}"


async def main():
    base, database_url, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    rate = int(sys.argv[5]) if len(sys.argv) > 5 else 50
    seconds = int(sys.argv[6]) if len(sys.argv) > 6 else 20
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", database_url, "-c",
                    SEED.format(count=count)], check=True)
    before = rss_kib(pid)
    waiting, latencies = {}, []
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as streams, \
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as posts:
        ready = asyncio.Semaphore(0)
        tasks = [asyncio.create_task(follow(streams, base, n, ready, waiting, latencies))
                 for n in range(1, count + 1)]
        for _ in range(count):
            await ready.acquire()
        opened = rss_kib(pid)
        sends = []
        start = time.perf_counter()
        for i in range(rate * seconds):
            at = start + i / rate
            await asyncio.sleep(max(0, at - time.perf_counter()))
            number = random.randint(1, count)
            sends.append(asyncio.create_task(send(posts, base, number, f"m{i}x{number}", waiting)))
        await asyncio.gather(*sends)
        deadline = time.perf_counter() + 10
        while waiting and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        peak = rss_kib(pid)
        for task in tasks:
            task.cancel()
    latencies.sort()
    print(f"{count} visitor streams, {rate} messages/s for {seconds} s: "
          f"{len(latencies)} of {rate * seconds} delivered")
    print(f"POST-to-delivery latency ms: median {statistics.median(latencies):.1f}  "
          f"p99 {latencies[max(0, int(len(latencies) * 0.99) - 1)]:.1f}  max {latencies[-1]:.1f}")
    print(f"server RSS: {before / 1024:.1f} MiB before, {opened / 1024:.1f} MiB with the streams "
          f"open, {peak / 1024:.1f} MiB after the messages")


asyncio.run(main())
