#!/usr/bin/env python3
"""A TCP proxy that adds a fixed delay before forwarding each request, to
measure start-up against an endpoint with a network round trip (e.g. moto
plus 50 ms).  Usage: delay-proxy.py LISTEN_PORT TARGET_HOST:PORT DELAY_MS"""

import asyncio
import sys


async def pipe(reader, writer, delay):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if delay:
                await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    except (ConnectionResetError, BrokenPipeError):
        pass
    finally:
        writer.close()


async def main():
    port, target, delay_ms = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    host, tport = target.rsplit(":", 1)

    async def handle(cr, cw):
        ur, uw = await asyncio.open_connection(host, int(tport))
        # The delay is paid once per request, on the way in.
        await asyncio.gather(pipe(cr, uw, delay_ms / 1000.0), pipe(ur, cw, 0))

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


asyncio.run(main())
