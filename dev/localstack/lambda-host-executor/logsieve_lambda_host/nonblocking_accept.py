"""
Keeps the gateway's accepted sockets non-blocking (LocalStack 4.14.0, GATEWAY_SERVER=hypercorn).

LocalStack serves HTTP and HTTPS on one port: on accept, ``DuplexSocket.is_ssl_socket`` peeks at the
first bytes. When none have arrived yet the peek fails with EAGAIN, and its retry turns the socket
blocking with a 1 s timeout and leaves it so. asyncio then writes to a blocking socket: a client that
stops reading for a second (a full send buffer) blocked the whole event loop for that second, then
had its response aborted (``TimeoutError: timed out`` in ``sock.send``). The twisted gateway does not
use this path. This hook restores the socket's own timeout (0.0 on an accepted asyncio socket, that
is non-blocking) after the peek.
"""

from localstack.runtime import hooks


@hooks.on_infra_start(priority=99)
def keep_accepted_sockets_non_blocking():
    from localstack.http.duplex_socket import DuplexSocket

    peek = DuplexSocket.is_ssl_socket
    if getattr(peek, "logsieve_restores_timeout", False):
        return

    def is_ssl_socket(newsock):
        timeout = newsock.gettimeout()
        try:
            return peek(newsock)
        finally:
            newsock.settimeout(timeout)

    is_ssl_socket.logsieve_restores_timeout = True
    DuplexSocket.is_ssl_socket = staticmethod(is_ssl_socket)
