#!/usr/bin/env python3
"""Social channels' webhooks under load.

`bench/social.py fake PORT` serves a stand-in of Telegram's Bot API (getMe, setWebhook,
sendMessage, getFile and files) that remembers each bot's webhook and secret token.

`bench/social.py load BASE_URL DATABASE_URL SERVER_PID FAKE_URL [WORKSPACES] [RATE]
[SECONDS]` connects a bot in each of WORKSPACES workspaces (10) through its admin's form,
then posts Telegram updates at RATE per second (500) for SECONDS (20) as Telegram would:
each with its secret token header, from 100 chats per workspace, about 5% of them again
(Telegram retries) and 5% photos (fetched afterwards from the outbox). Prints the
latency of the answers (median, p99, max), non-200 answers, the server's memory, and
what landed.
"""
import asyncio
import http.server
import json
import random
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

from loadlib import admin, percentile, psql, rss_mib, support_department, timed_post

CHATS = 100


def fake(port):
    hooks = {}
    lock = threading.Lock()

    class Api(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, body, content_type="application/json"):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/hooks":
                with lock:
                    return self.answer(hooks)
            return self.answer(b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            token, method = self.path[len("/bot"):].rsplit("/", 1)
            if method == "getMe":
                bot = int(token.split(":")[0])
                return self.answer({"ok": True, "result": {"id": bot, "username": f"bench_{bot}_bot"}})
            if method == "setWebhook":
                with lock:
                    hooks[token.split(":")[0]] = json.loads(body)
            if method == "getFile":
                return self.answer({"ok": True, "result": {"file_path": "photos/file.png"}})
            if method == "sendMessage":
                return self.answer({"ok": True, "result": {"message_id": random.randint(1, 1 << 30)}})
            return self.answer({"ok": True, "result": True})

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Api).serve_forever()


async def post(host, port, path, secret, update, latencies, failures):
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
    status, ms = await timed_post(host, port, path, headers, json.dumps(update))
    latencies.append(ms)
    if " 200 " not in status:
        failures.append(status)


async def load(base, database_url, pid, fake_url, workspaces, rate, seconds):
    parsed = urllib.parse.urlsplit(base)
    for n in range(1, workspaces + 1):
        slug = f"load-{n:04d}"
        admin(base, slug)("/app/config/channels/telegram/new", {
            "bot_token": f"{900000 + n}:AAbenchbenchbenchbenchbenchbench{n:04d}",
            "department": support_department(database_url, slug),
        })
    hooks = json.loads(urllib.request.urlopen(fake_url + "/hooks").read())
    bots = [(urllib.parse.urlsplit(hook["url"]).path, hook["secret_token"]) for hook in hooks.values()]
    print(f"{len(bots)} bots connected; server RSS {rss_mib(pid):.1f} MiB")
    latencies, failures, tasks, sent = [], [], [], []
    next_message = {}
    total = int(rate * seconds)
    started = time.perf_counter()
    peak = 0
    for index in range(total):
        await asyncio.sleep(max(0, started + index / rate - time.perf_counter()))
        if sent and random.random() < 0.05:
            path, secret, update = random.choice(sent)
        else:
            path, secret = random.choice(bots)
            chat = random.randrange(CHATS) + 1000
            number = next_message.get((path, chat), 0) + 1
            next_message[(path, chat)] = number
            message = {"message_id": number, "date": int(time.time()),
                       "chat": {"id": chat, "type": "private"},
                       "from": {"id": chat, "is_bot": False, "first_name": f"Customer {chat}"}}
            if random.random() < 0.05:
                message["photo"] = [{"file_id": f"photo-{index}", "file_size": 72, "width": 1, "height": 1}]
            else:
                message["text"] = f"Message {number} of chat {chat}: where is my order?"
            update = {"update_id": index + 1, "message": message}
            sent.append((path, secret, update))
        tasks.append(asyncio.create_task(
            post(parsed.hostname, parsed.port, path, secret, update, latencies, failures)))
        if index % rate == 0:
            peak = max(peak, rss_mib(pid))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    latencies.sort()
    print(f"{total} updates in {elapsed:.1f} s ({total / elapsed:.0f}/s, target {rate}/s)")
    print(f"webhook answers: median {statistics.median(latencies):.1f} ms  "
          f"p99 {percentile(latencies, 0.99):.1f} ms  max {latencies[-1]:.1f} ms  "
          f"(target: p99 under 100 ms)")
    print(f"non-200 answers: {len(failures)} {failures[:5]}")
    print(f"server RSS under load {peak:.1f} MiB, after {rss_mib(pid):.1f} MiB")
    # Answered once stored: the inbox stores their events afterwards.
    answered = time.perf_counter()
    while int(psql(database_url, "select count(*) from social_inbox where attempts = 0")) > 0:
        time.sleep(0.2)
    print(f"every update stored {time.perf_counter() - answered:.1f} s after the last answer "
          f"({total / (time.perf_counter() - started):.0f} updates/s stored over the run)")
    for _ in range(60):
        pending = int(psql(database_url, """select count(*) from outbox where kind = 'social'
            and sent_at is null and failed_at is null"""))
        if pending == 0:
            break
        time.sleep(1)
    print("tickets: " + psql(database_url, "select count(*) from tickets where channel = 'telegram'")
          + ", customer messages: " + psql(database_url, """select count(*) from messages
            where message_id like 'telegram:%'""")
          + ", photos fetched: " + psql(database_url, """select count(*) from attachments a
            join messages m on m.account_id = a.account_id and m.id = a.message_id
            where m.message_id like 'telegram:%'""")
          + f", photo fetches still queued: {pending}")


if __name__ == "__main__":
    if sys.argv[1] == "fake":
        fake(int(sys.argv[2]))
    else:
        args = sys.argv[2:]
        asyncio.run(load(args[0], args[1], int(args[2]), args[3],
                         int(args[4]) if len(args) > 4 else 10,
                         int(args[5]) if len(args) > 5 else 500,
                         float(args[6]) if len(args) > 6 else 20))
