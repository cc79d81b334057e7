#!/usr/bin/env python3
"""Golden tests of the gradc command line: diagnostics, printed formulas, eval output.

usage: cli_golden.py GRADC GOLDEN_DIR

Each GOLDEN_DIR/NAME.cmd holds one line: the arguments after `gradc` (shell-split;
paths are relative to GOLDEN_DIR, where the models live too). NAME.out holds the
expected exit status, standard output and standard error. With GRADC_UPDATE_GOLDEN=1
the .out files are written instead of compared. Standard library only.
"""
import os
import pathlib
import shlex
import subprocess
import sys


def render(p):
    return f"exit: {p.returncode}\n--- stdout\n{p.stdout}--- stderr\n{p.stderr}"


def main():
    gradc, folder = str(pathlib.Path(sys.argv[1]).resolve()), pathlib.Path(sys.argv[2])
    update = os.environ.get("GRADC_UPDATE_GOLDEN") == "1"
    passed = failed = 0
    for cmd in sorted(folder.glob("*.cmd")):
        args = shlex.split(cmd.read_text().strip())
        stdin = None
        if "<" in args:  # `... < FILE` feeds FILE on standard input
            i = args.index("<")
            stdin = (folder / args[i + 1]).read_bytes()
            args = args[:i]
        p = subprocess.run([gradc] + args, cwd=folder, input=stdin, capture_output=True, timeout=60)
        p.stdout = p.stdout.decode("utf-8", "replace")
        p.stderr = p.stderr.decode("utf-8", "replace")
        got = render(p)
        expected_file = cmd.with_suffix(".out")
        if update:
            expected_file.write_text(got)
            passed += 1
            continue
        want = expected_file.read_text() if expected_file.exists() else "(no .out file)"
        if got == want:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {cmd.name}\n--- expected\n{want}--- got\n{got}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
