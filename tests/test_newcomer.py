"""A newcomer's first run: a fresh copy of the repository with nothing beside
it, `make`, every command of the README (and of docs/) as written, `make
eval`, each command line a user can get wrong, and `make clean`. Every exit
status is checked, and no output may hold a traceback.

The copy holds the files git tracks, as they are in the working tree (what a
clone of the next commit holds). Its `.venv` is a venv of its own that sees
the running one's packages through a .pth file, so `make` skips the long
install of requirements.txt but installs the project itself as on a fresh
machine: `paper-claims` in the copy runs the copy's code.
"""
import os
import re
import shutil
import subprocess
import sys
import sysconfig

import pytest

from .conftest import ROOT
from .test_cli import CASES, check_output, lay_out

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """The copy, after `make`; (folder, environment of an activated .venv)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("needs git, make and a git checkout")
    base = tmp_path_factory.mktemp("newcomer")
    repo = base / "paper-claims"
    assert not (base / "shared").exists()
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        src = ROOT / name
        if src.is_file():                       # not a file deleted in the working tree
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / name)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    os.makedirs(purelib, exist_ok=True)
    with open(os.path.join(purelib, "running-venv.pth"), "w") as f:
        f.write(sysconfig.get_paths()["purelib"] + "\n")
    os.symlink(venv, repo / ".venv")
    (venv / ".installed").touch()              # requirements.txt is satisfied through the .pth
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{repo / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(repo / ".venv")
    proc = sh("make", repo, env)
    assert_ok(proc, "make")
    return repo, env


def sh(command: str, cwd, env, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def assert_ok(proc: subprocess.CompletedProcess, what: str) -> None:
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{what}: exit {proc.returncode}\n{out[-3000:]}"
    assert "Traceback" not in out, f"{what}:\n{out[-3000:]}"


def commands(page) -> list[str]:
    """The command lines of a page's ```sh blocks, in order."""
    blocks = re.findall(r"```sh\n(.*?)```", page.read_text(), re.S)
    return [ln.strip() for b in blocks for ln in b.splitlines() if ln.strip() and not ln.startswith("#")]


def test_make_installs_the_command_and_builds_the_tables(repo):
    folder, env = repo
    assert (folder / ".venv" / "bin" / "paper-claims").exists()
    for t in ("papers", "claims", "quantities", "hardware", "comparisons", "rejected"):
        assert (folder / "data" / "processed" / f"{t}.parquet").exists(), t
    assert sh("make --question", folder, env).returncode == 0, "a second make would do work"
    which = sh("paper-claims --version && python -c 'import pipeline; print(pipeline.__file__)'", folder, env)
    assert_ok(which, "paper-claims --version")
    assert which.stdout.splitlines()[-1].startswith(str(folder)), which.stdout


def test_every_readme_command_runs_as_written(repo):
    folder, env = repo
    lines = [c for c in commands(ROOT / "README.md") if not re.match(r"make( test)?(\s|$)", c)]
    assert any(c.startswith("paper-claims query") for c in lines)
    for command in lines:
        assert_ok(sh(command, folder, env), command)
    for code in re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S):
        assert_ok(sh(f"python - <<'EOF'\n{code}EOF", folder, env), code)


def test_make_eval_scores_both_dev_sets(repo):
    folder, env = repo
    proc = sh("make eval", folder, env)
    assert_ok(proc, "make eval")
    table = [ln.split() for ln in proc.stdout.splitlines() if ln.split()[:1] in (["figure"], ["typed_f1"])]
    assert table[0] == ["figure", "dev", "dev2"] and len(table[-1]) == 3, proc.stdout
    assert "warning" not in proc.stderr, proc.stderr
    for name in ("dev", "dev2"):
        assert (folder / "reports" / f"eval_errors_{name}.tsv").exists()


def test_every_docs_command_runs_as_written(repo):
    folder, env = repo
    for page in sorted((ROOT / "docs").glob("*.md")):
        for command in commands(page):
            assert_ok(sh(command, folder, env), f"{page.name}: {command}")


def test_make_report(repo):
    folder, env = repo
    assert_ok(sh("make report", folder, env), "make report")
    assert (folder / "reports" / "claims.html").stat().st_size > 10_000


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_a_wrong_command_line(case, repo, tmp_path):
    folder, env = repo
    lay_out(tmp_path, case)
    proc = subprocess.run([str(folder / ".venv" / "bin" / "paper-claims"), *case["args"]], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    check_output(case, proc.returncode, proc.stdout, proc.stderr)
    assert not (tmp_path / "out").exists()


def test_data_processed_is_safe_and_eval_says_whose_tables_it_scores(repo):
    """The first run of the report that asked for this page: a build of other
    input without --out, then `make eval`."""
    folder, env = repo
    claims = folder / "data" / "processed" / "claims.parquet"
    before = claims.stat().st_mtime_ns
    proc = sh("paper-claims build tests/fixtures/corpus.jsonl", folder, env)
    assert proc.returncode == 2 and "--out" in proc.stderr and "Traceback" not in proc.stderr
    assert claims.stat().st_mtime_ns == before
    assert_ok(sh("paper-claims build tests/fixtures/corpus.jsonl --out data/processed --no-progress", folder, env),
              "an explicit build into data/processed")
    proc = sh("make eval", folder, env)
    assert_ok(proc, "make eval")
    assert "not built from data/raw" in proc.stderr and "only 0 of the" in proc.stderr, proc.stderr


def test_make_clean_removes_every_built_artefact(repo):
    folder, env = repo
    assert_ok(sh("make clean", folder, env), "make clean")
    assert [p.name for p in (folder / "data" / "processed").iterdir()] == [".gitkeep"]
    assert not (folder / "reports").exists() and not (folder / "build").exists()
    assert not list(folder.rglob("claims.duckdb")) and not list(folder.rglob("data_docs"))
