"""The progress line on a terminal: shown from the start, and full only when the work is done."""
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "web" / "fixture_articles.jsonl"
FRAME = re.compile(r"\[([# ]{30})\] (\d+)/(\d+|counting…) articles")


def run_on_a_terminal(args):
    """Run app.py with stderr on a pseudo-terminal; return the frames it drew, in order."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), *args], cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    out = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:   # the child closed its end
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(leader)
    return [m.groups() for m in FRAME.finditer(out.decode("utf-8", "replace"))], proc.returncode


def test_the_bar_starts_before_the_first_article_and_is_full_only_at_the_end(tmp_path):
    # Regression: nothing for the first seconds (the total was counted first), then the total
    # shown as done while NER still worked (the bar counted articles read, not finished).
    frames, code = run_on_a_terminal(["index", str(FIXTURE), "--index-dir", str(tmp_path / "ix"), "--workers", "1"])
    assert code == 0 and frames
    bar, done, total = frames[0]
    assert done == "0" and bar.strip() == ""                     # drawn before anything was finished
    assert any(f[1] == "0" for f in frames[:2])
    full = [f[2] != "counting…" and int(f[1]) == int(f[2]) for f in frames]
    assert full[-1] and all(full[full.index(True):])             # once full, it stays full: the end
    assert int(frames[-1][1]) == sum(1 for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip())
