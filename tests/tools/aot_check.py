#!/usr/bin/env python3
"""`gradc compile` end to end: objects linked into C programs, shared libraries
loaded with dlopen, headers, determinism.

usage: aot_check.py GRADC SEED_MODEL
Needs a C compiler (`cc`). Closes with 'N passed, N failed'. Standard library only.
"""
import pathlib
import subprocess
import sys
import tempfile

SEED = [12, 900, 120, 480, 720, 60, 32, 108, 4, 128, 512, 828, 64]

STATIC_MAIN = r"""
#include <stdio.h>
#include "seed.h"
int main(void) {
  double in[seed_net_NUM_INPUTS] = {4}, params[seed_net_NUM_PARAMS] = {3, 2, 6};
  double out[seed_net_NUM_OUTPUTS];
  seed_net(in, params, out);
  for (int k = 0; k < seed_net_NUM_OUTPUTS; ++k) printf("%.17g\n", out[k]);
  return 0;
}
"""

DLOPEN_MAIN = r"""
#include <dlfcn.h>
#include <stdio.h>
#include <stddef.h>
typedef void (*batch_fn)(size_t, const double *, const double *, double *);
int main(int argc, char **argv) {
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) { fprintf(stderr, "%s\n", dlerror()); return 1; }
  batch_fn batch = (batch_fn)dlsym(lib, "kern_batch");
  if (!batch) return 2;
  double in[3] = {4, 4, 4}, params[3] = {3, 2, 6}, out[13 * 3];
  batch(3, in, params, out);
  for (int k = 0; k < 13; ++k) printf("%.17g\n", out[k * 3 + 2]);
  return 0;
}
"""


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120, **kw)


def main():
    gradc, model = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)

        def check(name, ok, detail=""):
            results.append(ok)
            if not ok:
                print(f"FAIL {name}: {detail}")

        p = run([gradc, "compile", model, "-o", d / "seed.o", "--header", d / "seed.h"])
        check("compile .o", p.returncode == 0, p.stderr)
        (d / "main.c").write_text(STATIC_MAIN)
        p = run(["cc", "-std=c11", "-Wall", "-Werror", "-o", d / "main", d / "main.c", d / "seed.o", "-lm"])
        check("link the object into a C program", p.returncode == 0, p.stderr)
        if p.returncode == 0:
            out = run([d / "main"]).stdout.split()
            check("seed numbers from the object", [float(v) for v in out] == SEED, out)

        p = run([gradc, "compile", model, "-o", d / "seed2.o", "--header", d / "seed2.h"])
        check("identical objects", (d / "seed.o").read_bytes() == (d / "seed2.o").read_bytes())
        undefined = run(["nm", "-u", d / "seed.o"]).stdout.split()
        allowed = {"U", "exp", "log", "log1p", "expm1", "pow", "sin", "cos", "tan", "memset", "memcpy", "memmove"}
        check("the object needs only libm", set(undefined) <= allowed, undefined)

        p = run([gradc, "compile", model, "-o", d / "kern.so", "--name", "kern"])
        check("compile .so", p.returncode == 0, p.stderr)
        (d / "load.c").write_text(DLOPEN_MAIN)
        p = run(["cc", "-std=c11", "-o", d / "load", d / "load.c", "-ldl"])
        check("build the loader", p.returncode == 0, p.stderr)
        if p.returncode == 0:
            out = run([d / "load", d / "kern.so"]).stdout.split()
            check("seed numbers through dlopen and the batch kernel", [float(v) for v in out] == SEED, out)

        for ext, marker in ((".ll", "define void @seed_net_batch"), (".s", "seed_net_batch:")):
            p = run([gradc, "compile", model, "-o", d / ("seed" + ext)])
            text = (d / ("seed" + ext)).read_text() if p.returncode == 0 else ""
            check(f"compile {ext}", marker in text, p.stderr)

        p = run([gradc, "compile", model, "-o", d / "seed.txt"])
        check("unknown extension is a usage error", p.returncode == 2, p.returncode)
        p = run([gradc, "compile", model, "-o", d / "x.o", "--name", "9bad"])
        check("a bad --name is a usage error", p.returncode == 2, p.returncode)
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
