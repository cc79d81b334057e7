"""Differential test of `gradc eval` against PyTorch autograd (float64).

    /usr/bin/python3 tests/oracle/torch_oracle.py GRADC COUNT [SEED]

For COUNT random models (random_models.py; model i uses seed SEED*1000 + i, so a
failure is reproducible), evaluates every output with `GRADC eval MODEL --set
x0=... --json` (for half the models the params are
overridden with --set too) and with PyTorch: values, first
derivatives w.r.t. inputs, params and bindings (a binding is one non-leaf
tensor, so only paths through it count), second derivatives via
`torch.autograd.grad(..., create_graph=True)`, `allow_unused=True` -> 0.

Each output must agree within 1e-9 * max(1, |torch value|) (NaN equals NaN,
infinities must match exactly). One documented exception: in a model that
contains `where`, an output that is non-finite in PyTorch but finite in gradc is
not compared, since gradc masks the untaken branch of `where` to 0 where
PyTorch's gradient is NaN (docs/semantics.md).

Each disagreement prints one line naming the output, both numbers and a copy of
the model in a temp file; the last line is `N passed, N failed` (models), and
the exit status is 1 if any failed.
"""

import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from random_models import Reject, safe_model, torch_eval  # noqa: E402

RTOL = 1e-9


def parse_json_num(v):
    if isinstance(v, str):
        return float(v)  # "inf", "-inf", "nan"
    return float(v)


def agree(g, t):
    if math.isnan(g) or math.isnan(t):
        return math.isnan(g) and math.isnan(t)
    if math.isinf(g) or math.isinf(t):
        return g == t
    return abs(g - t) <= RTOL * max(1.0, abs(t))


def save(text, i):
    fd, path = tempfile.mkstemp(prefix='gradc_torch_oracle_%d_' % i, suffix='.grad')
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    return path


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    gradc, count = argv[1], int(argv[2])
    seed = int(argv[3]) if len(argv) > 3 else 1
    t0 = time.time()
    passed = failed = skipped_outputs = compared = 0
    for i in range(count):
        model, ref = safe_model(seed * 1000 + i)
        text = model.text()
        point = dict(model.inputs)
        rng = random.Random(model.seed)
        if rng.random() < 0.5:  # override the params at this call
            p = model.point()
            p.update({k: round(rng.uniform(-1.5, 1.5), 3) for k, _ in model.params})
            try:
                ref = torch_eval(model, p)
                point = p
            except Reject:
                pass
        sets = []
        for name, v in point.items():
            sets += ['--set', '%s=%r' % (name, v)]
        proc = subprocess.run([gradc, 'eval', '-', '--json'] + sets, input=text,
                              capture_output=True, text=True)
        problems = []
        if proc.returncode != 0:
            problems.append('gradc exit %d: %s' % (proc.returncode, proc.stderr.strip()[:300]))
        else:
            try:
                got = json.loads(proc.stdout)
            except ValueError:
                got = None
                problems.append('bad JSON: %r' % proc.stdout[:300])
            if got is not None:
                for name, _ in model.outputs:
                    if name not in got:
                        problems.append('output %s missing' % name)
                        continue
                    g, t = parse_json_num(got[name]), ref[name]
                    if model.contains_where() and not math.isfinite(t) and math.isfinite(g):
                        skipped_outputs += 1
                        continue
                    compared += 1
                    if not agree(g, t):
                        problems.append('output %s: gradc=%r torch=%r' % (name, g, t))
        if problems:
            failed += 1
            path = save(text, i)
            for p in problems:
                print('FAIL model %d (seed %d) %s  [gradc eval %s %s --json]'
                      % (i, model.seed, p, path, ' '.join(sets)))
        else:
            passed += 1
    sys.stderr.write('%d outputs compared, %d skipped (where: torch non-finite), %.1fs\n'
                     % (compared, skipped_outputs, time.time() - t0))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
