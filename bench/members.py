"""Member-register benchmark: import 10,000 rows, then rank 10,000 volunteers for a shift.

    make bench        # or: python -m config.devstack bench bench/members.py

Each half runs in a throwaway database of its own (see the two scripts it runs).
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    # Separate processes: each script sets up Django against its own database.
    for script in ("members_import.py", "members_ranking.py"):
        print(f"== {script}", flush=True)
        code = subprocess.run([sys.executable, str(HERE / script)], check=False).returncode
        if code:
            sys.exit(code)
