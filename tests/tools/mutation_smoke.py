#!/usr/bin/env python3
"""A model with mistakes never crashes gradc: random mutations of real models.

usage: mutation_smoke.py GRADC COUNT MODEL_DIR [MODEL_DIR ...]

Mutates the .grad files found (deletes, duplicates and inserts tokens, bytes and
lines; a fixed seed, so a failure reproduces), runs `gradc eval` and `gradc print`
on each, and requires: exit status 0, 1 or 2; on 1 a `FILE:LINE:COL: error:` line
followed by the source line and a caret; no sanitizer report; no time-out.
Closes with 'N passed, N failed'. Standard library only.
"""
import pathlib
import random
import re
import subprocess
import sys
import tempfile

TOKENS = ["+", "-", "*", "/", "^", "(", ")", ",", ";", "=", "<", ">=", "==", "!=", "\n", "#",
          "grad(", "where(", "def ", "input ", "param ", "const ", "output ", "x", "y", "1e999",
          ".5", "1e-999", "0", "sin", "logsumexp(", "\x00", "\xff", "\r\n", "  ", "grad(y, x)"]
DIAG = re.compile(r"^.+?:\d+:\d+: error: .+", re.M)


def mutate(text, rng):
    for _ in range(rng.randint(1, 4)):
        if not text:
            text = rng.choice(TOKENS)
        i = rng.randrange(len(text) + 1)
        kind = rng.randrange(4)
        if kind == 0:
            text = text[:i] + text[i + rng.randint(1, 8):]
        elif kind == 1:
            text = text[:i] + rng.choice(TOKENS) + text[i:]
        elif kind == 2:
            lines = text.split("\n")
            k = rng.randrange(len(lines))
            lines.insert(k, lines[rng.randrange(len(lines))])
            text = "\n".join(lines)
        else:
            j = rng.randrange(len(text) + 1)
            a, b = sorted((i, j))
            text = text[:a] + text[b:] + text[a:b]
    return text


def main():
    gradc, count, dirs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    models = sorted(p for d in dirs for p in pathlib.Path(d).glob("*.grad"))
    texts = [p.read_bytes().decode("latin-1") for p in models]
    rng = random.Random(20261122)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "mutant.grad"
        for n in range(count):
            text = mutate(rng.choice(texts), rng)
            path.write_bytes(text.encode("latin-1"))
            problems = []
            for command in (["eval", str(path), "--set", "x=1"], ["print", str(path)]):
                try:
                    p = subprocess.run([gradc] + command, capture_output=True, timeout=30)
                except subprocess.TimeoutExpired:
                    problems.append(f"{command[0]}: timed out")
                    continue
                err = p.stderr.decode("utf-8", "replace")
                if p.returncode not in (0, 1, 2):
                    problems.append(f"{command[0]}: exit {p.returncode}")
                if "Sanitizer" in err or "runtime error" in err:
                    problems.append(f"{command[0]}: sanitizer report")
                if p.returncode == 1:
                    m = DIAG.search(err)
                    if not m or not any("^" in l for l in err[m.end():].splitlines()[1:4]):
                        problems.append(f"{command[0]}: exit 1 without a diagnostic and caret")
            if problems:
                failed += 1
                keep = pathlib.Path(tempfile.gettempdir()) / f"gradc-mutant-{n}.grad"
                keep.write_bytes(text.encode("latin-1"))
                print(f"FAIL mutant {n} ({keep}): {'; '.join(problems)}")
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
