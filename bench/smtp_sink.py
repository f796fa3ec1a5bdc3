#!/usr/bin/env python3
"""A loopback SMTP sink for bench/outbox.sh: answers 250 to every message and counts them.

Usage: bench/smtp_sink.py PORT COUNT_FILE
Listens on 127.0.0.1:PORT and keeps the number of messages received in COUNT_FILE
(rewritten at most every 50 ms, and when it stops on SIGTERM). Only the standard library:
enough of SMTP for lettre (EHLO, MAIL, RCPT, DATA, NOOP, RSET, QUIT), nothing stored.
"""
import asyncio
import os
import signal
import sys

received = 0


async def converse(reader, writer):
    try:
        await answer(reader, writer)
    except (asyncio.CancelledError, ConnectionError):
        # Stopped (the outage of bench/outbox.sh), or the client went away.
        writer.close()


async def answer(reader, writer):
    global received
    writer.write(b"220 sink ESMTP\r\n")
    while True:
        line = await reader.readline()
        if not line:
            break
        verb = line[:4].upper()
        if verb == b"EHLO":
            writer.write(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
        elif verb == b"DATA":
            writer.write(b"354 end with <CRLF>.<CRLF>\r\n")
            while (await reader.readline()) not in (b".\r\n", b""):
                pass
            received += 1
            writer.write(b"250 queued\r\n")
        elif verb == b"QUIT":
            writer.write(b"221 bye\r\n")
            break
        elif verb in (b"HELO", b"MAIL", b"RCPT", b"NOOP", b"RSET"):
            writer.write(b"250 ok\r\n")
        else:
            writer.write(b"502 not implemented\r\n")
        await writer.drain()
    await writer.drain()
    writer.close()


def write_count(path):
    with open(path + ".tmp", "w") as out:
        out.write(f"{received}\n")
    os.replace(path + ".tmp", path)


async def main(port, path):
    server = await asyncio.start_server(converse, "127.0.0.1", port, backlog=256)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    written = -1
    async with server:
        while not stop.is_set():
            if received != written:
                written = received
                write_count(path)
            try:
                await asyncio.wait_for(stop.wait(), 0.05)
            except asyncio.TimeoutError:
                pass
    write_count(path)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
