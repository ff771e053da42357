"""The README's walk-through, copied literally: every shell block of "A rep's day and a
handover, with curl", in order, in one bash, against a fresh server started as its first
line says (here on a free port instead of 8000, the one change made to the text)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from api.devserver import serving

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## A rep's day and a handover, with curl"


def walkthrough() -> tuple[str, list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    lines = "".join(blocks).splitlines()
    (start,) = [line for line in lines if "make run" in line]
    return start, [line for line in lines if line != start]


def test_the_readme_walkthrough_runs_as_written(tmp_path: Path) -> None:
    start, lines = walkthrough()
    token = re.search(r"TSUNAGI_ADMIN_TOKEN=(\S+)", start)
    assert token, "the walk-through starts the server with an admin token"
    env = {"TSUNAGI_DATABASE_URL": f"sqlite:///{tmp_path / 'tsunagi.db'}",
           "TSUNAGI_ADMIN_TOKEN": token.group(1)}
    with serving(env, tmp_path / "server.log") as url:
        script = "\n".join(lines).replace("http://127.0.0.1:8000", url)
        ran = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True,
                             text=True, timeout=120, check=False, cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    said = ran.stdout
    assert re.search(r'^etag: "2"', said, flags=re.MULTILINE | re.IGNORECASE), said[:2000]
    assert "HTTP/1.1 201 Created" in said
    assert "カタログを送る" in said and "# 引き継ぎ資料" in said
    assert said.rstrip().endswith("404"), "佐藤さん no longer reads the account"
