"""Differential test of `gradc print` (infix) against SymPy's own derivatives.

    /usr/bin/python3 tests/oracle/sympy_oracle.py GRADC COUNT [SEED]

For COUNT random models (random_models.py; model i uses seed SEED*1000 + i):

1. `GRADC print MODEL` gives every output as a simplified formula over the
   inputs and params, with shared parts as named lines. Each line is parsed
   into SymPy by a small parser of gradc's infix syntax (sigmoid -> 1/(1+exp(-x)),
   softplus -> log(1+exp(x)), relu -> Max(x, 0), logsumexp -> log(sum exp),
   where(c, a, b) -> Piecewise((a, c), (b, True)), hypot -> sqrt(a^2+b^2),
   log1p -> log(1+x), expm1 -> exp(x)-1, min/max -> Min/Max, ^ -> **) and the
   named lines are substituted in order (numerically, so the DAG is not blown up).
2. Independently, the model itself is translated to SymPy: each binding is a
   symbol with its defining expression, and grad(E, v) is SymPy's chain rule
   over the binding symbols, stopping at v (so for a binding v only the paths
   through v count): dE/dv = sum over symbols s in E of dE/ds * ds/dv, with
   ds/dv = 1 for s == v, 0 for another leaf, d(def s)/dv for a binding.
   As in gradc and PyTorch, when the formula of a binding s is (as written) an
   op that saves its result for backward (exp expm1 sqrt tan tanh sigmoid hypot
   logsumexp, and pow for its exponent), d(def s)/dv is that op's local partials
   from a rule table (local_partial) written with the symbol s for the op's
   result, times the SymPy chain rule of its operands: with w = exp(v),
   grad(3*w, v) is 3*w and grad(grad(3*w, v), w) is 3. Everything else is
   SymPy's own derivative, except abs'(0) = relu'(0) = 0 (PyTorch's convention,
   which matters when abs/relu is applied to a name that is exactly 0).
3. Both are evaluated with 30-digit arithmetic at 3 random points (inputs and
   params random in [-1.5, 1.5]; a point is used only if no abs/relu/sign/min/
   max/where argument is within a margin of its kink, see random_models.py),
   and must agree within 1e-8 relative (|g - r| <= 1e-8 * max(|r|, 1e-3)).
   No simplify(): agreement is checked numerically only.

Each disagreement prints one line naming the output and point, both numbers and
a copy of the model in a temp file; the last line is `N passed, N failed`
(models), and the exit status is 1 if any failed.
"""

import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time

import sympy as sp

sys.setrecursionlimit(20000)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from random_models import Reject, generate_model, torch_eval  # noqa: E402

PREC = 30
RTOL = 1e-8

# ------------------------------------------------------------ gradc functions
def _logsumexp(*a):
    return sp.log(sp.Add(*[sp.exp(x) for x in a]))


FUNCS = {
    'exp': sp.exp, 'log': sp.log, 'sqrt': sp.sqrt,
    'log1p': lambda x: sp.log(1 + x), 'expm1': lambda x: sp.exp(x) - 1,
    'sin': sp.sin, 'cos': sp.cos, 'tan': sp.tan, 'asin': sp.asin, 'acos': sp.acos,
    'atan': sp.atan, 'atan2': sp.atan2, 'sinh': sp.sinh, 'cosh': sp.cosh,
    'tanh': sp.tanh, 'abs': sp.Abs, 'sign': sp.sign,
    'min': sp.Min, 'max': sp.Max, 'pow': sp.Pow,
    'hypot': lambda a, b: sp.sqrt(a ** 2 + b ** 2),
    'sigmoid': lambda x: 1 / (1 + sp.exp(-x)),
    'softplus': lambda x: sp.log(1 + sp.exp(x)),
    'relu': lambda x: sp.Max(x, 0),
    'logsumexp': _logsumexp, 'erf': sp.erf,
}
RELS = {'<': sp.Lt, '<=': sp.Le, '>': sp.Gt, '>=': sp.Ge, '==': sp.Eq, '!=': sp.Ne}


def where(c, a, b):
    return sp.Piecewise((a, c), (b, True))


def number(text):
    if re.fullmatch(r'\d+', text):
        return sp.Integer(int(text))
    return sp.Float(text, PREC)


# ------------------------------------------------------------ infix parser
TOKEN = re.compile(r'\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)'
                   r'|([A-Za-z_][A-Za-z_0-9]*)|(<=|>=|==|!=|[-+*/^(),<>]))')


class ParseError(Exception):
    pass


class Parser:
    """gradc's infix: comparison < + - < * / < unary - + < ^ (right-assoc)."""

    def __init__(self, text, symbol):
        self.toks = []
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ParseError('bad token at %r' % text[pos:pos + 20])
            pos = m.end()
            if m.group(1):
                self.toks.append(('num', m.group(1)))
            elif m.group(2):
                self.toks.append(('name', m.group(2)))
            else:
                self.toks.append(('op', m.group(3)))
        self.i = 0
        self.symbol = symbol

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else ('end', None)

    def take(self, op=None):
        t = self.peek()
        if op is not None and t != ('op', op):
            raise ParseError('expected %r, got %r' % (op, t))
        self.i += 1
        return t

    def parse(self):
        e = self.cond()
        if self.peek()[0] != 'end':
            raise ParseError('trailing %r' % (self.peek(),))
        return e

    def cond(self):
        a = self.add()
        t = self.peek()
        if t[0] == 'op' and t[1] in RELS:
            self.take()
            return RELS[t[1]](a, self.add(), evaluate=False)
        return a

    def add(self):
        a = self.mul()
        while self.peek() in (('op', '+'), ('op', '-')):
            op = self.take()[1]
            b = self.mul()
            a = a + b if op == '+' else a - b
        return a

    def mul(self):
        a = self.unary()
        while self.peek() in (('op', '*'), ('op', '/')):
            op = self.take()[1]
            b = self.unary()
            a = a * b if op == '*' else a / b
        return a

    def unary(self):
        if self.peek() == ('op', '-'):
            self.take()
            return -self.unary()
        if self.peek() == ('op', '+'):
            self.take()
            return self.unary()
        return self.power()

    def power(self):
        a = self.primary()
        if self.peek() == ('op', '^'):
            self.take()
            return sp.Pow(a, self.unary())
        return a

    def primary(self):
        kind, v = self.take()
        if kind == 'num':
            return number(v)
        if kind == 'op' and v == '(':
            e = self.cond()
            self.take(')')
            return e
        if kind == 'name':
            if self.peek() == ('op', '('):
                self.take()
                args = [self.cond()]
                while self.peek() == ('op', ','):
                    self.take()
                    args.append(self.cond())
                self.take(')')
                if v == 'where':
                    return where(*args)
                if v not in FUNCS:
                    raise ParseError('unknown function %s' % v)
                return FUNCS[v](*args)
            if v == 'inf':
                return sp.oo
            if v == 'nan':
                return sp.nan
            return self.symbol(v)
        raise ParseError('unexpected %r' % ((kind, v),))


def parse_printed(text):
    """[(name, sympy expr over Symbol(name))] from `gradc print` infix output."""
    lines = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, rhs = line.partition(' = ')
        if not rhs or not re.fullmatch(r'[A-Za-z_][A-Za-z_0-9]*', name):
            raise ParseError('bad line %r' % line)
        lines.append((name, Parser(rhs, lambda n: sp.Symbol(n, real=True)).parse()))
    return lines


# ------------------------------------------------------------ the model in SymPy
# Ops whose derivative gradc (like PyTorch) writes with their result: when such an
# op is a binding's top-level formula, its result in the local partials below is
# the binding's symbol (`out`), so a later derivative w.r.t. that binding sees it.
SAVES = {'exp', 'expm1', 'sqrt', 'tan', 'tanh', 'sigmoid', 'hypot', 'logsumexp', 'pow', 'powf'}


def local_partial(op, args, i, out):
    """d op(args)/d args[i], written with `out` for the op's result (gradc's rules)."""
    if op == 'exp':
        return out
    if op == 'expm1':
        return out + 1
    if op == 'sqrt':
        return 1 / (2 * out)
    if op == 'tan':
        return 1 + out ** 2
    if op == 'tanh':
        return 1 - out ** 2
    if op == 'sigmoid':
        return out * (1 - out)
    if op == 'hypot':
        return args[i] / out
    if op == 'logsumexp':
        return sp.exp(args[i] - out)
    if op in ('pow', 'powf'):
        x, y = args
        return y * x ** (y - 1) if i == 0 else out * sp.log(x)
    raise ValueError('no result-saving rule for %s' % op)


class Reference:
    def __init__(self, model):
        self.model = model
        self.sym = {}
        for name in model.leaves() + [b for b, _ in model.bindings]:
            self.sym[name] = sp.Symbol(name, real=True)
        self.binding = {}   # Symbol -> defining expression over symbols
        self.memo = {}      # (binding symbol, target name) -> derivative
        self.top = {}       # binding symbol -> (op, [argument exprs]) if its top op saves its result
        for name, node in model.bindings:
            s = self.sym[name]
            self.binding[s] = self.expr(node)
            if node[0] in SAVES:
                self.top[s] = (node[0], [self.expr(a) for a in node[1:]])
        self.outputs = [(name, self.expr(node)) for name, node in model.outputs]

    def d(self, e, v):
        """Derivative of e w.r.t. the name v, counting only the paths through v."""
        tv = self.sym[v]
        total = sp.Integer(0)
        for s in e.free_symbols:
            if s == tv:
                ds = sp.Integer(1)
            elif s in self.binding:
                ds = self.d_binding(s, v)
            else:
                ds = sp.Integer(0)
            if ds != 0:
                total += sp.diff(e, s) * ds
        return total

    def d_binding(self, s, v):
        """d s/dv for the binding symbol s (memoised).

        If the binding's formula has a top op that saves its result (SAVES), the
        op's local partials are taken from the rule table with the symbol s for
        its result; otherwise (and below the top op) SymPy differentiates."""
        key = (s, v)
        if key not in self.memo:
            top = self.top.get(s)
            if top is None:
                self.memo[key] = self.d(self.binding[s], v)
            else:
                op, args = top
                total = sp.Integer(0)
                for i, a in enumerate(args):
                    da = self.d(a, v)
                    if da != 0:
                        total += local_partial(op, args, i, s) * da
                self.memo[key] = total
        return self.memo[key]

    def expr(self, n):
        op = n[0]
        if op == 'var':
            return self.sym[n[1]]
        if op == 'num':
            v = n[1]
            return sp.Integer(int(v)) if v == int(v) else sp.Float(repr(float(v)), PREC)
        if op == 'grad':
            return self.d(self.expr(n[1]), n[2])
        if op == 'where':
            _, rel, a, b = n[1]
            return where(RELS[rel](self.expr(a), self.expr(b)), self.expr(n[2]), self.expr(n[3]))
        args = [self.expr(a) for a in n[1:]]
        if op == 'add':
            return args[0] + args[1]
        if op == 'sub':
            return args[0] - args[1]
        if op == 'mul':
            return args[0] * args[1]
        if op == 'div':
            return args[0] / args[1]
        if op == 'neg':
            return -args[0]
        if op in ('pow', 'powf'):
            return sp.Pow(args[0], args[1])
        # sympy differentiates sign(u) (also Abs(u)' = sign(u)) only if u is known real
        if op == 'sign':
            u = args[0]
            return sp.Piecewise((1, u > 0), (-1, u < 0), (0, True))
        # abs'(0) = relu'(0) = 0 as in gradc and PyTorch (a leaf may sit exactly at 0)
        if op == 'abs':
            u = args[0]
            return sp.Piecewise((u, u > 0), (-u, u < 0), (0, True))
        if op == 'relu':
            u = args[0]
            return sp.Piecewise((u, u > 0), (0, True))
        return FUNCS[op](*args)

    def evaluate(self, point):
        vals = {self.sym[k]: sp.Float(repr(float(v)), PREC) for k, v in point.items()}
        for name, _ in self.model.bindings:
            s = self.sym[name]
            vals[s] = num(self.binding[s], vals)
        return {name: num(e, vals) for name, e in self.outputs}


def num(e, vals):
    """e at the point vals {Symbol: Float}, with PREC digits.

    Lazy in Piecewise/ITE: only the branch taken is evaluated, so a branch that
    is complex there (sqrt of a negative, guarded by the condition) does not
    matter. A comparison with a non-real or NaN side is false (IEEE)."""
    memo = {}

    def truth(c):
        return c is sp.true or c is True

    def ev(e):
        if e in memo:
            return memo[e]
        if e.is_Symbol:
            r = vals[e]
        elif e.is_Number or e in (sp.true, sp.false):
            r = e
        elif isinstance(e, sp.Piecewise):
            r = sp.nan
            for ex, c in e.args:
                if truth(ev(c)):
                    r = ev(ex)
                    break
        elif isinstance(e, sp.ITE):
            r = ev(e.args[1]) if truth(ev(e.args[0])) else ev(e.args[2])
        elif isinstance(e, sp.And):
            r = sp.true if all(truth(ev(a)) for a in e.args) else sp.false
        elif isinstance(e, sp.Or):
            r = sp.true if any(truth(ev(a)) for a in e.args) else sp.false
        elif isinstance(e, sp.Not):
            r = sp.false if truth(ev(e.args[0])) else sp.true
        elif e.is_Relational:
            a, b = ev(e.lhs), ev(e.rhs)
            if a.is_extended_real and b.is_extended_real:
                r = e.func(a, b)
            else:
                r = sp.true if isinstance(e, sp.Ne) else sp.false
        else:
            r = sp.N(e.func(*[ev(a) for a in e.args]), PREC)
        memo[e] = r
        return r
    return ev(e)


def eval_printed(lines, point):
    vals = {sp.Symbol(k, real=True): sp.Float(repr(float(v)), PREC) for k, v in point.items()}
    out = {}
    for name, e in lines:
        v = num(e, vals)
        vals[sp.Symbol(name, real=True)] = v
        out[name] = v
    return out


def to_float(v):
    if v.is_real and v.is_number:
        try:
            return float(v)
        except TypeError:
            pass
    if v is sp.nan:
        return math.nan
    if v == sp.oo:
        return math.inf
    if v == -sp.oo:
        return -math.inf
    return None  # complex or not a number


def agree(g, r):
    if g is None or r is None:
        return False
    if math.isnan(g) or math.isnan(r):
        return math.isnan(g) and math.isnan(r)
    if math.isinf(g) or math.isinf(r):
        return g == r
    return abs(g - r) <= RTOL * max(abs(r), 1e-3)


def random_points(model, rng, n=3, tries=60):
    pts = []
    for _ in range(tries):
        p = {k: round(rng.uniform(-1.5, 1.5), 4) for k in model.leaves()}
        try:
            torch_eval(model, p)
        except Reject:
            continue
        pts.append(p)
        if len(pts) == n:
            return pts
    return None


def save(text, i):
    fd, path = tempfile.mkstemp(prefix='gradc_sympy_oracle_%d_' % i, suffix='.grad')
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
    passed = failed = compared = 0
    for i in range(count):
        base = seed * 1000 + i
        for t in range(200):  # the first model with 3 safe random points
            model = generate_model(base + t * 1000003)
            rng = random.Random(model.seed)
            points = random_points(model, rng)
            if points:
                break
        text = model.text()
        problems = []
        proc = subprocess.run([gradc, 'print', '-'], input=text, capture_output=True, text=True)
        if proc.returncode != 0:
            problems.append('gradc print exit %d: %s' % (proc.returncode, proc.stderr.strip()[:300]))
        else:
            try:
                lines = parse_printed(proc.stdout)
            except ParseError as e:
                lines = None
                problems.append('cannot parse gradc print output: %s' % e)
            ref = None
            if lines is not None:
                try:
                    ref = Reference(model)
                    leftover = [e for _, e in ref.outputs if e.has(sp.Derivative)]
                    if leftover:
                        raise ValueError('unevaluated %s' % leftover[0].atoms(sp.Derivative))
                except Exception as e:  # an oracle problem: still a failure, never a pass
                    problems.append('sympy reference failed: %s' % str(e).strip()[:300])
                    ref = None
            if ref is not None:
                for p in points:
                    want = ref.evaluate(p)
                    got = eval_printed(lines, p)
                    where = ' '.join('%s=%r' % kv for kv in p.items())
                    for name, _ in model.outputs:
                        if name not in got:
                            problems.append('output %s not printed' % name)
                            continue
                        g, r = to_float(got[name]), to_float(want[name])
                        compared += 1
                        if not agree(g, r):
                            problems.append('output %s at %s: gradc=%s sympy=%s'
                                            % (name, where, sp.N(got[name], 17), sp.N(want[name], 17)))
        if problems:
            failed += 1
            path = save(text, i)
            for p in problems:
                print('FAIL model %d (seed %d) %s  [gradc print %s]' % (i, model.seed, p, path))
        else:
            passed += 1
    sys.stderr.write('%d output values compared, %.1fs\n' % (compared, time.time() - t0))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
