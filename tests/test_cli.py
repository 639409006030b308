"""The CLI contract: every user mistake is one clear line and exit 2; exit 1 only for a bug."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from parcel_sandbox.cli import build_parser, control_token
from parcel_sandbox.cli import main as cli_main
from sim.errors import UsageError
from tests.test_scenario import GOOD

TINY = GOOD.replace("parcels_per_day: 100", "parcels_per_day: 20")


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = cli_main(list(args))
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.fixture()
def scenario_file(tmp_path: Path) -> Path:
    f = tmp_path / "tiny.yaml"
    f.write_text(TINY, encoding="utf-8")
    return f


# --- --out ------------------------------------------------------------------------------------


@pytest.mark.unit
def test_out_that_is_a_file(tmp_path: Path, scenario_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "a-file"
    target.write_text("mine\n", encoding="utf-8")
    assert run_cli(capsys, "run", str(scenario_file), "--out", str(target)) == (
        2,
        [f"parcel-sandbox: --out {target}: exists and is not a directory"],
    )
    assert target.read_text(encoding="utf-8") == "mine\n"
    code, lines = run_cli(capsys, "run", str(scenario_file), "--out", str(target / "sub"))
    assert code == 2 and lines == [
        f"parcel-sandbox: --out {target / 'sub'}: cannot create it: Not a directory"
    ]


@pytest.mark.unit
def test_out_that_cannot_be_created(scenario_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run_cli(capsys, "run", str(scenario_file), "--out", "/proc/parcel-sandbox-out")
    assert code == 2 and len(lines) == 1 and "--out /proc/parcel-sandbox-out: cannot create it" in lines[0]


@pytest.mark.unit
def test_out_holding_someone_elses_files_is_left_alone(
    tmp_path: Path, scenario_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("years of work\n", encoding="utf-8")
    (home / "events.jsonl").write_text("my own events\n", encoding="utf-8")
    code, lines = run_cli(capsys, "run", str(scenario_file), "--out", str(home))
    assert code == 2 and len(lines) == 1 and "holds 'thesis.tex', not a run's files" in lines[0]
    assert (home / "events.jsonl").read_text(encoding="utf-8") == "my own events\n"


@pytest.mark.slow
def test_out_may_be_a_previous_run(
    tmp_path: Path, scenario_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    assert cli_main(["run", str(scenario_file), "--out", str(out), "--quiet"]) == 0
    first = (out / "events.jsonl").read_bytes()
    assert cli_main(["run", str(scenario_file), "--out", str(out), "--quiet"]) == 0
    assert (out / "events.jsonl").read_bytes() == first


@pytest.mark.slow
@pytest.mark.parametrize(
    ("prepare", "words"),
    [
        (lambda out: (out / "events.jsonl").mkdir(), "Is a directory"),
        # a disk that fills up mid-run
        (lambda out: (out / "events.jsonl").symlink_to("/dev/full"), "No space left on device"),
    ],
    ids=["unopenable", "disk-full"],
)
def test_a_failed_write_is_one_line(
    tmp_path: Path,
    scenario_file: Path,
    capsys: pytest.CaptureFixture[str],
    prepare: Callable[[Path], None],
    words: str,
) -> None:
    out = tmp_path / "run"
    out.mkdir()
    prepare(out)
    code, lines = run_cli(capsys, "run", str(scenario_file), "--out", str(out), "--quiet")
    assert code == 2 and len(lines) == 1, lines
    assert lines[0].startswith(f"parcel-sandbox: --out {out}: cannot write ") and words in lines[0]


# --- arguments ------------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["serve", "baseline", "--port", "70000"], "port must be an integer from 1 to 65535"),
        (["serve", "baseline", "--port", "0"], "port must be an integer from 1 to 65535"),
        (["serve", "baseline", "--port", "http"], "port must be an integer"),
        (["serve", "baseline", "--speed", "0"], "speed must be a number above 0"),
        (["serve", "baseline", "--speed", "-5"], "speed must be a number above 0"),
        (["serve", "baseline", "--speed", "inf"], "speed must be a number above 0"),
        (["serve", "baseline", "--speed", "nan"], "speed must be a number above 0"),
        (["serve", "baseline", "--speed", "1e308"], "at most 10,000,000"),
        (["replay", "somewhere", "--speed", "0"], "speed must be a number above 0"),
        (["run", "baseline", "--seed", "9" * 5000], "seed must be an integer from 0 to 9223372036854775807"),
        (["run", "baseline", "--seed", "-1"], "seed must be an integer"),
        (["run", "baseline", "--seed", "inf"], "seed must be an integer"),
        (["cases", "baseline", "--seed", "18446744073709551616"], "seed must be an integer"),
        (["serve", "baseline", "--clock", "sundial"], "invalid choice"),
        (["serve", "baseline", "--workers", "0"], "workers must be an integer from 1 to 64"),
        (["serve", "baseline", "--role", "boss"], "invalid choice"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_arguments_are_one_line_exit_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        cli_main(args)
    assert exc.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], lines
    assert lines[0].startswith("parcel-sandbox") and len(lines[0]) < 300


@pytest.mark.live
def test_a_port_in_use_is_refused_before_serving() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "parcel_sandbox.cli", "serve", "baseline", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 2, proc.stderr
    assert (
        proc.stderr.strip()
        == f"parcel-sandbox: --port {port}: already in use on 127.0.0.1; choose another port"
    )
    assert "serving" not in proc.stderr + proc.stdout


@pytest.mark.unit
def test_a_host_that_is_not_ours(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run_cli(capsys, "serve", "baseline", "--host", "no-such-host.invalid", "--port", "9")
    assert (
        code == 2 and len(lines) == 1 and lines[0].startswith("parcel-sandbox: --host no-such-host.invalid:")
    )


@pytest.mark.unit
def test_a_usage_error_raised_while_serving_is_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The served sandbox reports a foreign or corrupt ``--db`` as a UsageError: one line, exit 2."""
    import mock_carriers.serve

    def refuse(*_: object, **__: object) -> int:
        raise UsageError("--db x.sqlite: not a parcel-sandbox database (left untouched)")

    monkeypatch.setattr(mock_carriers.serve, "serve", refuse)
    monkeypatch.setattr("parcel_sandbox.cli.check_port_free", lambda host, port: None)
    assert run_cli(capsys, "serve", "baseline", "--db", "x.sqlite") == (
        2,
        ["parcel-sandbox: --db x.sqlite: not a parcel-sandbox database (left untouched)"],
    )


@pytest.mark.unit
def test_a_bug_is_exit_1_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_: object) -> None:
        raise KeyError("oops\nsecond line")

    monkeypatch.setattr("parcel_sandbox.cli.load_scenario", broken)
    monkeypatch.delenv("PARCEL_SANDBOX_DEBUG", raising=False)
    code, lines = run_cli(capsys, "validate", "baseline")
    assert code == 1 and lines == [
        "parcel-sandbox: internal error (a bug, please report it): KeyError: 'oops\\nsecond line' "
        "(set PARCEL_SANDBOX_DEBUG=1 for a traceback)"
    ]


# --- the served sandbox's options -------------------------------------------------------------


@pytest.mark.unit
def test_serve_options_for_the_served_sandbox() -> None:
    parser = build_parser()
    args = parser.parse_args(["serve", "baseline"])
    assert args.control_token is None and args.deterministic_tokens is False and args.allow_host == []
    flags = "--control-token s3cret --deterministic-tokens --allow-host sandbox.test --allow-host ci.local"
    args = parser.parse_args(["replay", "runs/x", *flags.split()])
    assert args.control_token == "s3cret" and args.deterministic_tokens is True
    assert args.allow_host == ["sandbox.test", "ci.local"]


@pytest.mark.unit
def test_control_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARCEL_SANDBOX_CONTROL_TOKEN", raising=False)
    assert control_token(None) is None
    monkeypatch.setenv("PARCEL_SANDBOX_CONTROL_TOKEN", "from-env")
    assert control_token(None) == "from-env"
    assert control_token("given") == "given"  # the option wins
    monkeypatch.setenv("PARCEL_SANDBOX_CONTROL_TOKEN", "")
    assert control_token(None) is None  # an empty variable is no token
    monkeypatch.setenv("PARCEL_SANDBOX_CONTROL_TOKEN", "two words")
    with pytest.raises(UsageError, match=r"^\$PARCEL_SANDBOX_CONTROL_TOKEN: a token is"):
        control_token(None)
    for bad in ("", "x" * 1025, "tab\there", "naïve"):
        with pytest.raises(UsageError, match=r"^--control-token: a token is"):
            control_token(bad)


# --- replay of a corrupt run directory --------------------------------------------------------


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("recorded")
    (root / "tiny.yaml").write_text(TINY, encoding="utf-8")
    assert cli_main(["run", str(root / "tiny.yaml"), "--out", str(root / "run"), "--quiet"]) == 0
    return root / "run"


def _rewrite_line(path: Path, n: int, edit: Callable[[str], str]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[n - 1] = edit(lines[n - 1])
    path.write_text("".join(lines), encoding="utf-8")


def _json_edit(change: Callable[[dict], None]) -> Callable[[str], str]:
    def edit(line: str) -> str:
        data = json.loads(line)
        change(data)
        return json.dumps(data) + "\n"

    return edit


CORRUPTIONS: dict[str, tuple[Callable[[Path], None], str]] = {
    "events cut short": (
        lambda run: _rewrite_line(run / "events.jsonl", 4, lambda s: s[:40] + "\n"),
        "events.jsonl:4:41: (json): ",
    ),
    "events missing a field": (
        lambda run: _rewrite_line(run / "events.jsonl", 6, _json_edit(lambda d: d.pop("code"))),
        "events.jsonl:6:1: code: missing",
    ),
    "events with a number for a tracking number": (
        lambda run: _rewrite_line(
            run / "events.jsonl", 2, _json_edit(lambda d: d.update(tracking_number=12))
        ),
        "events.jsonl:2:1: (record): tracking_number should be a string, got int",
    ),
    "events with a bad instant": (
        lambda run: _rewrite_line(
            run / "events.jsonl", 3, _json_edit(lambda d: d.update(occurred_at="soon"))
        ),
        "events.jsonl:3:1: (record): Invalid isoformat string: 'soon'",
    ),
    "events with bytes that are not UTF-8": (
        lambda run: (run / "events.jsonl").open("ab").write(b'{"\xff"}\n'),
        ": (record): 'utf-8' codec can't decode byte 0xff",
    ),
    "truth with an unknown fate": (
        lambda run: _rewrite_line(run / "truth.jsonl", 5, _json_edit(lambda d: d.update(fate="eaten"))),
        "truth.jsonl:5:1: (record): 'eaten' is not a valid Fate",
    ),
    "truth that is a list": (
        lambda run: (run / "truth.jsonl").open("a").write("[1, 2]\n"),
        ": (record): a record is a JSON object, got list",
    ),
    "summary that is not JSON": (
        lambda run: (run / "summary.json").write_text("{\n  garbage\n}\n"),
        "summary.json:2:3: (json): Expecting property name enclosed in double quotes",
    ),
    "summary with a huge seed": (
        lambda run: (run / "summary.json").write_text('{"seed": 1e400}'),
        "summary.json:1:1: seed: missing, or not an integer from 0 to 9223372036854775807",
    ),
    "scenario that is not YAML": (
        lambda run: _rewrite_line(run / "scenario.yaml", 2, lambda s: "seed: [\n"),
        "scenario.yaml:4:9: (yaml): did not find expected ',' or ']'",
    ),
    "scenario out of range": (
        lambda run: _rewrite_line(run / "scenario.yaml", 4, lambda s: "duration: 3650d\n"),
        "scenario.yaml:4:11: duration: must be more than 0s and at most 366d (got 3650d)",
    ),
    "no truth at all": (
        lambda run: (run / "truth.jsonl").unlink(),
        "(run): not a run directory, missing truth.jsonl",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_replay_of_a_corrupt_run_names_the_file_and_line(
    name: str, recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    shutil.copytree(recorded, run)
    corrupt, words = CORRUPTIONS[name]
    corrupt(run)
    code, lines = run_cli(capsys, "replay", str(run), "--port", "9")
    assert code == 2 and len(lines) == 1, lines
    assert lines[0].startswith(str(run)) and words in lines[0], lines[0]


@pytest.mark.live
def test_no_traceback_reaches_a_user_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "events.jsonl").write_text("{not json\n", encoding="utf-8")
    for name in ("truth.jsonl", "summary.json", "scenario.yaml"):
        (tmp_path / name).write_text("", encoding="utf-8")
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    env.pop("PARCEL_SANDBOX_DEBUG", None)
    for args in (
        ["replay", str(tmp_path)],
        ["run", str(tmp_path / "summary.json"), "--out", str(tmp_path / "o")],
        ["serve", "baseline", "--speed", "inf"],
        ["validate", str(tmp_path)],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "parcel_sandbox.cli", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, (
            args,
            proc.stderr,
        )


@pytest.mark.live
def test_a_closed_pipe_is_not_an_error() -> None:
    # a megabyte of output, far more than a pipe buffers, into a reader that stops after 10 bytes
    script = (
        "import sys, parcel_sandbox.cli as c; "
        "c.cmd_schema = lambda a: print('x' * 2**20); sys.exit(c.main(['schema']))"
    )
    proc = subprocess.run(
        f'{sys.executable} -c "{script}" | head -c 10 > /dev/null; echo ${{PIPESTATUS[0]}}',
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout.strip() == "0" and "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr


@pytest.mark.unit
@pytest.mark.parametrize("command", ["run", "serve", "cases"])
def test_a_case_off_its_route_is_refused_located_before_anything_runs_or_listens(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scenario that parses but whose world cannot be built (here a pinned case's ``at:`` off its
    route) is one located line and exit 2 from every command — ``serve`` included, which used to
    start listening and leave the traceback to its engine worker."""
    import mock_carriers.serve
    from sim.scenario import load_scenario

    def never(*_: object, **__: object) -> int:
        raise AssertionError("serve started")

    monkeypatch.setattr(mock_carriers.serve, "serve", never)
    _, shipped = load_scenario("lost_parcels")
    bad = tmp_path / "lost_elsewhere.yaml"
    bad.write_text(shipped.read_text().replace("at: fedex-hub-MEM", "at: fedex-hub-SEA"))
    extra = ["--out", str(tmp_path / "run"), "--quiet"] if command == "run" else []
    code, lines = run_cli(capsys, command, str(bad), *extra)
    assert code == 2 and len(lines) == 1, lines
    assert f"{bad}:" in lines[0] and "cases.0.at: fedex-hub-SEA is not on the route" in lines[0]
    assert not (tmp_path / "run").exists()
