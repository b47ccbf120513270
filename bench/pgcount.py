"""A TCP proxy in front of PostgreSQL that counts round trips (ReadyForQuery messages) per process.

Every simple query and every extended-protocol Sync ends with one ReadyForQuery ('Z') from the
server, so counting them counts the client's waits for the database: BEGIN, each statement,
COMMIT, pre-ping and statement preparation alike. Used by `python -m bench.load --count-db`.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct

_SSL_REQUEST = struct.pack("!ii", 8, 80877103)


class RoundTripProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self.round_trips = 0
        self.connections = 0
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            server_reader, server_writer = await asyncio.open_connection(*self._upstream)
        except OSError:
            client_writer.close()
            return
        first = await client_reader.read(65536)
        ssl_requested = first[:8] == _SSL_REQUEST
        server_writer.write(first)
        await server_writer.drain()
        await asyncio.gather(self._pipe(client_reader, server_writer),
                             self._count(server_reader, client_writer, ssl_requested),
                             return_exceptions=True)
        for writer in (client_writer, server_writer):
            writer.close()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    async def _count(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ssl_requested: bool) -> None:
        buffer = b""
        counting = True
        try:
            if ssl_requested:
                answer = await reader.readexactly(1)
                writer.write(answer)
                counting = answer == b"N"  # TLS would hide the messages
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
                if not counting:
                    continue
                buffer += data
                # Typed messages: one byte of type, four of length (which counts itself).
                while len(buffer) >= 5:
                    length = struct.unpack_from("!i", buffer, 1)[0]
                    if len(buffer) < 1 + length:
                        break
                    if buffer[0:1] == b"Z":
                        self.round_trips += 1
                    buffer = buffer[1 + length:]
        finally:
            writer.close()
