"""Build izhic's Cython core.

Compiler flags (all probed, so a compiler that lacks one still builds):

* ``-O3 -ffp-contract=off``: no fused multiply-add contraction, so the compiled
  kernels give the same bits as the NumPy reference (``izhic.reference``).
* ``-march=native`` unless ``IZHIC_NATIVE=0``: the kernels keep blocks of
  neurons in vector registers; on an AVX-512 machine the native build is several
  times faster than baseline x86-64 code. Set ``IZHIC_NATIVE=0`` for a portable
  build (for example a wheel that must run on other CPUs).
* ``-fopenmp`` unless ``IZHIC_OPENMP=0``: parallel over neurons. Without OpenMP
  the core builds serial and ``izhic.show_config()`` says so.
* ``IZHIC_DEBUG=1`` turns Cython's bounds and wraparound checks back on.
"""
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

from Cython.Build import cythonize
from setuptools import Extension, setup


def _env_flag(name, default):
    value = os.environ.get(name, default).strip().lower()
    return value not in ("0", "false", "no", "off", "")


def _compiler():
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    return cc.split()


def _accepts(flags, link=False):
    """True when the C compiler accepts ``flags`` on a tiny program."""
    if sys.platform == "win32":
        return False
    src = "int main(void) { return 0; }\n"
    if "-fopenmp" in flags:
        src = "#include <omp.h>\nint main(void) { return omp_get_max_threads() > 0 ? 0 : 1; }\n"
    tmp = tempfile.mkdtemp()
    try:
        path = os.path.join(tmp, "probe.c")
        with open(path, "w") as fh:
            fh.write(src)
        cmd = _compiler() + flags + [path, "-o", os.path.join(tmp, "probe")]
        res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return res.returncode == 0
    except OSError:
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


compile_args = []
link_args = []
for flag in ("-O3", "-ffp-contract=off"):
    if _accepts([flag]):
        compile_args.append(flag)
# Block loads and stores are short copies (at most 64 lanes): gcc would turn
# them into memcpy calls, a library call per array per block and step in
# network runs (measured: 10% of a sparse network's neuron update).
if _accepts(["-fno-tree-loop-distribute-patterns"]):
    compile_args.append("-fno-tree-loop-distribute-patterns")
# The step dispatch (method x model form x flags, all compile-time literals) is
# one large inline function; gcc's default limits stop inlining it into the
# time loops, which then pass v and u through memory (measured: single-neuron
# RK4 35% slower). Raise the limits (gcc and clang accept -finline-limit).
if _accepts(["--param=max-inline-insns-single=4000"]):
    compile_args += ["--param=max-inline-insns-single=4000",
                     "--param=large-function-growth=4000", "--param=inline-unit-growth=400"]

native = _env_flag("IZHIC_NATIVE", "1") and _accepts(["-march=native"])
if native:
    compile_args.append("-march=native")

openmp = _env_flag("IZHIC_OPENMP", "1") and _accepts(["-fopenmp"])
if openmp:
    compile_args.append("-fopenmp")
    link_args.append("-fopenmp")
else:
    print("*" * 72 + "\nizhic: building WITHOUT OpenMP: simulations run on one thread.\n" + "*" * 72)

debug = _env_flag("IZHIC_DEBUG", "0")
directives = {
    "language_level": 3,
    "boundscheck": debug,
    "wraparound": debug,
    "initializedcheck": debug,
    "cdivision": True,
    "embedsignature": True,
}

ext = Extension(
    "izhic._core",
    ["izhic/_core.pyx"],
    define_macros=[
        ("IZHIC_BUILD_NATIVE", int(native)),
        ("IZHIC_BUILD_OPENMP", int(openmp)),
    ],
    extra_compile_args=compile_args,
    extra_link_args=link_args,
)

setup(
    ext_modules=cythonize([ext], compiler_directives=directives),
)
