"""Gunicorn settings for the image (deploy/Dockerfile); every knob can be set from the environment.

    gunicorn -c deploy/gunicorn.conf.py config.wsgi:application

WEB_CONCURRENCY      worker processes (default: 2 x CPUs + 1, at most 8; see below)
GUNICORN_TIMEOUT     seconds a request may take before its worker is killed (30)
GUNICORN_GRACEFUL_TIMEOUT  seconds to finish requests in flight on SIGTERM (30); keep it
                     below the pod's terminationGracePeriodSeconds
FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-* headers gunicorn trusts ("127.0.0.1,::1");
                     in Kubernetes the ingress controller's pods, or "*" when only the
                     ingress can reach the pods
PORT                 port to listen on (8000)
"""

import os
from pathlib import Path


def _cpus() -> int:
    """CPUs this container may use: its cgroup quota if it has one, else the CPUs it sees.

    os.cpu_count() reports the whole node (64 on a big node), which would start far more
    workers than a pod limited to one CPU can run or than PostgreSQL has connections for.
    """
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            return max(1, int(int(quota) / int(period) + 0.5))
    except (OSError, ValueError):
        pass
    return len(os.sched_getaffinity(0)) or 1


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = f"0.0.0.0:{_int('PORT', 8000)}"
# Each worker holds its own database connection (and ~100 MB): 8 is plenty per pod; scale
# with replicas instead. WEB_CONCURRENCY overrides it (the Helm chart sets it).
workers = _int("WEB_CONCURRENCY", min(2 * _cpus() + 1, 8))
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than the idle timeout of the load balancers in front (they close first, never us).
keepalive = _int("GUNICORN_KEEPALIVE", 75)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr for the container runtime to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({host}i)s"'

# Not preloaded: importing config.wsgi runs the template-schema check, which opens a
# database connection; a connection opened in the master must not be shared by forked workers.
preload_app = False
# Heartbeat files on tmpfs, not on the (read-only, or slow overlay) root filesystem. Only
# gunicorn's own workers write there, so a shared temporary folder is no risk here.
_SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None
# gunicorn >= 25.1 opens a control socket under $HOME by default; nothing here uses it and
# the root filesystem is read-only in Kubernetes. (Older versions ignore the setting.)
control_socket_disable = True
