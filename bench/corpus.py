"""What the benchmarks feed the app: ordinary student input, and hostile input.

``CORPUS`` is about sixty functions of ``x`` as students type them while reading
D2L 2.4 (both editions): the book's own examples, the exercises, homework-style
rational, trigonometric, exponential and logarithmic functions, nested chains,
``x^x``, absolute values, roots, implicit multiplication, and what a Chinese IME
produces (full-width letters, digits, brackets and operators, ``x²``, ``π``, ``×``).
Every entry must parse; the bench reports any that does not as a failure.

``HOSTILE`` is what a stranger on the internet might type into a class-hosted
app: constant bombs, symbolic bombs, nesting bombs, attempts to run code, and
junk characters. Every entry must be *answered* (a result or an ``InputError``)
within the worker pool's time limit; none may crash or run anything.

``SLOW_IN_SYMPY`` passes every structural bound of the parser and used to keep
sympy busy for seconds (the one-sided limits that decided differentiability at a
kink of ``|x - 1|`` ground through nested logarithms) until the time-limit backstop
fired. Since issue 10 ``derivative_at`` bounds its own symbolic work and answers it
(``undefined`` at 1: ``log(log(log(11)))`` is negative, its cube root not real) well
inside the limit; the bench reports which of the two happened.
"""

from __future__ import annotations

#: Ordinary input, as typed (one variable: ``x``).
CORPUS: tuple[str, ...] = (
    # the book's examples and exercises
    "3x^2 - 4x",
    "3*x**2 - 4*x",
    "x^3 - 1/x",
    "x^x",
    "exp(x)",
    "log(x)",
    "5",
    "x^5",
    "2x + 1",
    "x^2 - 2x + 1",
    # polynomials
    "x^4 - 3x^3 + 2x^2 - x + 7",
    "(x+1)(x-1)(x+2)",
    "(2x - 3)^5",
    "0.5x^2 - 1.25x + 3",
    "-x^2 + 4",
    "(x^2 + 1)^3",
    # rational functions
    "1/x",
    "(x^2 + 1)/(x - 1)",
    "x/(1 + x^2)",
    "(3x + 2)/(x^2 - 4)",
    "1/(1 + exp(-x))",
    "(x - 1)^2/(x + 1)^3",
    # trigonometric
    "sin(x)",
    "cos(2x)",
    "tan(x)",
    "sin(x)^2 + cos(x)^2",
    "x sin(x)",
    "sin(x)/x",
    "sin(3x)cos(x)",
    "atan(x)",
    "asin(x/2)",
    "tanh(x)",
    # exponential and logarithmic
    "exp(-x^2)",
    "x exp(-x)",
    "e^(2x)",
    "2^x",
    "log(1 + x^2)",
    "ln(x)/x",
    "log(x, 10)",
    "x log(x) - x",
    # nested chains
    "sin(cos(tan(x)))",
    "exp(sin(x^2))",
    "log(log(x + 2))",
    "sqrt(1 + sin(x)^2)",
    "(1 + exp(-3x))^(-1)",
    "sin(exp(x))/(1 + x^2)",
    # x^x and friends
    "x^(1/x)",
    "(sin(x))^x",
    "x^(x^2)",
    # absolute values and roots
    "|x|",
    "abs(x - 1)",
    "|x^2 - 1| + x",
    "sqrt(x)",
    "x^(1/3)",
    "(x^2)^(1/3)",
    "sqrt(x^2 + 1) - x",
    # implicit multiplication
    "2x(x + 1)",
    "3(x - 1)^2",
    "(x + 1)(x + 2)(x + 3)",
    "2pi x",
    # Chinese IME: full-width characters and typographic symbols
    "３ｘ＾２－４ｘ",
    "ｓｉｎ（ｘ）＋ｃｏｓ（ｘ）",
    "x³ － 1／x",
    "e^（－x²）",
    "2×x＋1",
    "sin（π×x）",
)

#: (label, text): what a hostile visitor might type. Each must be answered, never hang.
HOSTILE: tuple[tuple[str, str], ...] = (
    ("tower 9^9^9", "9^9^9"),
    ("tower 10**10**10", "10**10**10"),
    ("(x+1)^100000", "(x+1)^100000"),
    ("x^(10^20)", "x^(10^20)"),
    ("sin(exp(3^99))", "sin(exp(3^99))"),
    ("x*sin(exp(3^99))", "x*sin(exp(3^99))"),
    ("1e999999999", "1e999999999"),
    ("1e50*1e50", "1e50*1e50"),
    ("99-digit literal", "9" * 99),
    ("exp(1000)", "exp(1000)"),
    ("factorial(10^10)", "factorial(10^10)"),
    ("5000 nested parens", "(" * 5000 + "x" + ")" * 5000),
    ("99 nested parens", "(" * 99 + "x" + ")" * 99),
    ("60 nested sin", "sin(" * 60 + "x" + ")" * 60),
    ("x^x^...^x (50 levels)", "^".join(["x"] * 50)),
    ("(x^200)^200", "(x^200)^200"),
    ("1 MB of x", "x" * 1_000_000),
    ("__import__('os')", "__import__('os').system('echo pwned')"),
    ("evalf.__globals__", "x.evalf.__globals__['__builtins__']"),
    ("escaped dunder", "Symbol('\\x5f\\x5fimport\\x5f\\x5f')"),
    ("eval(...)", "eval('1+1')"),
    ("exec(...)", "exec('import os')"),
    ("lambda", "lambda: 0"),
    ("statement", "x; import os"),
    ("open(...)", "open('/etc/passwd').read()"),
    ("comprehension", "[c for c in ().__class__.__bases__[0].__subclasses__()]"),
    ("equation", "x = 1"),
    ("division by zero", "1/0"),
    ("log(0)", "log(0) + x"),
    ("NUL byte", "x\x00+1"),
    ("right-to-left mark", "x\u202e+1"),
    ("emoji", "x + 🙂"),
    ("unknown variable", "y^2"),
    ("empty", "   "),
)

#: Passes the parser's bounds; once kept sympy busy for seconds (now answered, see above).
SLOW_IN_SYMPY = "abs(x-1)*log(log(log(x+10)))^(1/3)*sin(log(x))^2*cos(log(x))^2"

#: The costliest input a random search of several thousand generated functions (up to
#: 200 characters: nested powers, quotients, functions) found on any page once every
#: symbolic step was bounded: the chain rule's steps view (``mode=steps``) spends about
#: 1.5 s of CPU on each new copy (``HEAVY + k``), past the scheduler's 0.5 s first slice
#: (the limits page's costliest input and the exercise checker's now take 0.1-0.3 s).
#: ``bench.load --hostile N`` submits it and measures its cost in the same run.
HEAVY = (
    "((log(tanh((2)/(pi))))^(tan(x+x^2+x)))/((sin((2)^((x+2)))*sqrt((2)^(x)))"
    "^(((x)/(x+x))^(atan((3)^((x+2))))))"
)
#: Where the hostile sessions type it: page, query and widget key.
HEAVY_PAGE, HEAVY_QUERY, HEAVY_WIDGET = "chain-rule", "lang=en&mode=steps", "f"

#: An ordinary input timed right after a kill (the pool must start a fresh worker).
AFTER_KILL = "x^2 + 1"
