from tests.apps.shifts.conftest import *  # noqa: F403
