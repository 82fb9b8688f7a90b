# Entry point of the launcher's LocalStack (run with the venv's python instead of `-m localstack.runtime.main`).
# LocalStack's Twisted gateway drops the host of GATEWAY_LISTEN and listens on all interfaces, and it starts
# kinesis-mock in a new session, out of reach of the launcher's process-group stop. So every bind to an
# any-address goes to loopback instead, and child processes stay in the launcher's process group.
import runpy
import socket
import subprocess

_ANY_HOST = {"", "0.0.0.0", "::"}
_bind = socket.socket.bind
_popen_init = subprocess.Popen.__init__


def _bind_loopback(self, address):
    if isinstance(address, tuple) and address and address[0] in _ANY_HOST:
        loopback = "::1" if self.family == socket.AF_INET6 else "127.0.0.1"
        address = (loopback, *address[1:])
    return _bind(self, address)


def _popen_in_our_group(self, *args, **kwargs):
    kwargs["start_new_session"] = False
    _popen_init(self, *args, **kwargs)


socket.socket.bind = _bind_loopback
subprocess.Popen.__init__ = _popen_in_our_group
runpy.run_module("localstack.runtime.main", run_name="__main__", alter_sys=True)
