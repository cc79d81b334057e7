#!/usr/bin/env python3
"""The kernel cache from the command line: `gradc compile` and `gradc eval` reuse
the first result, --no-cache and --interpret leave the cache alone, damaged
entries and unusable directories are never errors, concurrent runs are safe.

usage: cache_check.py GRADC SEED_MODEL
Every run gets its own GRADC_CACHE_DIR in a temporary directory (never the home
directory). Closes with 'N passed, N failed'. Standard library only.
"""
import concurrent.futures
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

TRAILER = 48  # digest, size and magic after the object in an entry


def main():
    gradc, model = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()
    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        if not ok:
            print(f"FAIL {name}: {detail}")

    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        cache = d / "cache"
        base_env = {k: v for k, v in os.environ.items() if k not in ("GRADC_CACHE_DIR", "GRADC_CACHE_DEBUG")}

        def run(args, cache_dir=cache, debug=False, env=None):
            env = dict(base_env if env is None else env)
            if cache_dir is not None:
                env["GRADC_CACHE_DIR"] = str(cache_dir)
            if debug:
                env["GRADC_CACHE_DEBUG"] = "1"
            return subprocess.run([str(gradc)] + [str(a) for a in args], capture_output=True, text=True,
                                  timeout=120, env=env, cwd=d)

        def entries(directory=cache):
            return sorted(directory.glob("*.o")) if directory.exists() else []

        def snapshot(directory=cache):
            if not directory.exists():
                return None
            return sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in directory.iterdir())

        # compile twice: one entry, the same bytes, which are the entry's object.
        p1 = run(["compile", model, "-o", d / "a.o"])
        p2 = run(["compile", model, "-o", d / "b.o"])
        check("compile twice", p1.returncode == 0 and p2.returncode == 0, p1.stderr + p2.stderr)
        check("one entry after two compiles", len(entries()) == 1, entries())
        a = (d / "a.o").read_bytes()
        check("identical objects", a == (d / "b.o").read_bytes())
        seed_entry = entries()[0] if entries() else cache / "missing.o"
        check("the entry holds the object", seed_entry.exists() and seed_entry.read_bytes()[:-TRAILER] == a)
        check("no temporary files left", [p.name for p in cache.iterdir() if p.name.startswith(".")] == [])

        # The second compile was served from the cache.
        p = run(["compile", model, "-o", d / "c.o"], debug=True)
        check("a third compile is a hit", "kernel cache: hit" in p.stderr, p.stderr)

        # --no-cache: the cache directory is not touched, the object is the same.
        before = snapshot()
        p = run(["compile", model, "-o", d / "n.o", "--no-cache"])
        check("compile --no-cache", p.returncode == 0 and (d / "n.o").read_bytes() == a, p.stderr)
        p = run(["eval", model, "--set", "x=4", "--no-cache"])
        check("eval --no-cache", p.returncode == 0, p.stderr)
        check("--no-cache leaves the cache untouched", snapshot() == before)
        fresh = d / "fresh-cache"
        run(["compile", model, "-o", d / "n2.o", "--no-cache"], cache_dir=fresh)
        run(["eval", model, "--set", "x=4", "--no-cache"], cache_dir=fresh)
        run(["eval", model, "--set", "x=4", "--interpret"], cache_dir=fresh)
        check("--no-cache and --interpret create no cache directory", not fresh.exists())

        # .so reuses the .o's entry (same name and options); .ll and .s are not cached.
        p = run(["compile", model, "-o", d / "libseed.so", "--name", "seed_net"], debug=True)
        check("compile .so from the cache", p.returncode == 0 and "kernel cache: hit" in p.stderr, p.stderr)
        for ext in (".ll", ".s"):
            p = run(["compile", model, "-o", d / ("seed" + ext)])
            check(f"compile {ext}", p.returncode == 0, p.stderr)
        check(".so, .ll and .s add no entry", len(entries()) == 1, entries())
        p = run(["compile", model, "-o", d / "o3.o", "-O3"])
        check("another -O level is another entry", len(entries()) == 2, entries())
        p = run(["compile", model, "-o", d / "named.o", "--name", "other"])
        check("another name is another entry", len(entries()) == 3, entries())

        # eval twice: the same output; the second run is served from the cache and
        # marks the entry as recently used.
        known = set(entries())
        e1 = run(["eval", model, "--set", "x=4", "--json"])
        new = [p for p in entries() if p not in known]
        check("eval stores one entry", e1.returncode == 0 and len(new) == 1, (e1.stderr, new))
        if len(new) == 1:
            old = time.time() - 86400
            os.utime(new[0], (old, old))
            e2 = run(["eval", model, "--set", "x=4", "--json"], debug=True)
            check("eval twice, the same output", e2.returncode == 0 and e2.stdout == e1.stdout, (e1.stdout, e2.stdout))
            check("the second eval is a hit", f"kernel cache: hit {new[0]}" in e2.stderr, e2.stderr)
            check("a hit marks the entry as used", new[0].stat().st_mtime > old + 3600)
        p = run(["eval", model, "--set", "x=4", "--json", "--interpret"], debug=True)
        check("eval --interpret does not touch the cache", p.stdout == e1.stdout and p.stderr == "", p.stderr)

        # A damaged entry is compiled again and replaced; never an error.
        for damage in (b"garbage", seed_entry.read_bytes()[:100], b""):
            seed_entry.write_bytes(damage)
            p = run(["compile", model, "-o", d / "again.o"])
            check("a damaged entry is no error", p.returncode == 0 and p.stderr == "", p.stderr)
            check("a damaged entry gives the same object", (d / "again.o").read_bytes() == a)
        p = run(["compile", model, "-o", d / "again.o"], debug=True)
        check("the damaged entry was replaced", "kernel cache: hit" in p.stderr, p.stderr)
        for e in entries():
            e.write_bytes(b"\x7fELF not really")
        p = run(["eval", model, "--set", "x=4", "--json"])
        check("eval with damaged entries", p.returncode == 0 and p.stdout == e1.stdout and p.stderr == "", p.stderr)

        # A cache directory that cannot exist, and no directory at all: no cache, no error.
        (d / "file").write_text("not a directory")
        for name, env in (("an impossible directory", None),
                          ("no GRADC_CACHE_DIR, XDG_CACHE_HOME or HOME",
                           {k: v for k, v in base_env.items() if k not in ("XDG_CACHE_HOME", "HOME")})):
            cache_dir = d / "file" / "cache" if env is None else None
            p = run(["eval", model, "--set", "x=4", "--json"], cache_dir=cache_dir, env=env)
            check(f"eval with {name}", p.returncode == 0 and p.stdout == e1.stdout and p.stderr == "", p.stderr)
            p = run(["compile", model, "-o", d / "nocache.o"], cache_dir=cache_dir, env=env)
            check(f"compile with {name}", p.returncode == 0 and (d / "nocache.o").read_bytes() == a, p.stderr)

        # Concurrent runs on an empty cache: all succeed, one entry, no temporary files.
        shared = d / "shared-cache"
        model2 = d / "m2.grad"
        model2.write_text("input x\noutput y = sin(x) * exp(x)\noutput d = grad(grad(y, x), x)\n")
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            runs = list(pool.map(lambda _: run(["eval", model2, "--set", "x=0.5"], cache_dir=shared), range(6)))
        check("concurrent evals succeed", all(r.returncode == 0 and r.stdout == runs[0].stdout for r in runs),
              [r.stderr for r in runs])
        check("concurrent evals leave one entry and no temporary file",
              [p.name.endswith(".o") for p in shared.iterdir()] == [True], list(shared.iterdir()))
        shutil.rmtree(shared, ignore_errors=True)

    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
