# The regatta, its shifts and its volunteers are shared with the shifts tests.
from tests.apps.shifts.conftest import *  # noqa: F403
