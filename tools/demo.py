"""`make demo`: the walking skeleton's journey against the platform `make run` started."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools import devsecrets, journey  # noqa: E402

URLS = {
    "city-center": "http://127.0.0.1:8001",
    "town-hall": "http://127.0.0.1:8002",
    "village-room": "http://127.0.0.1:8003",
}

if __name__ == "__main__":
    secrets_file = Path("var/secrets.env")
    if not secrets_file.exists():
        raise SystemExit("no var/secrets.env: start the platform with `make run` first")
    password = devsecrets.read(secrets_file)["IDENTITY_DEMO_PASSWORD"]
    result = journey.run(URLS, password, say=print)
    print(f"case {result.case_number}: done")
