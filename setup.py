"""Build izhic's Cython core.

Compiler flags (all probed, so a compiler that lacks one still builds):

* ``-O3 -ffp-contract=off``: no fused multiply-add contraction, so the compiled
  kernels give the same bits as the NumPy reference (``izhic.reference``), at
  every instruction-set level.
* ``-fno-trapping-math``: gcc may then compute both sides of the lanes' selects
  and blend them, so the lane loops vectorize with AVX2 and SSE as well (under
  the default only AVX-512's masked instructions could). Same bits.
* Instruction sets: the kernels keep blocks of neurons in vector registers (on an
  AVX-512 machine several times faster than baseline x86-64 code). By default
  the core (Cython runs once) is compiled three times, for ``-march=x86-64-v2``,
  ``-v3`` (AVX2) and ``-v4`` (AVX-512), into ``izhic/_isa/<level>/``; at import
  ``izhic._cpu`` loads the best level this CPU has (``IZHIC_CPU`` forces a lower
  one). One wheel thus runs at full speed on every x86-64 with SSE4.2. The
  variants compile in parallel (one job per core).
* ``IZHIC_NATIVE=1``: one ``-march=native`` build instead (the build machine's
  vector units, nothing else; ``izhic/_isa/native/``). A compiler without the
  ``x86-64-vN`` targets (non-x86, or too old) builds one baseline core
  (``izhic/_isa/baseline/``).
* ``-fopenmp`` unless ``IZHIC_OPENMP=0``: parallel over neurons. On macOS, where
  Apple's clang has no OpenMP of its own, LLVM's libomp is used when found
  (Homebrew's, or ``IZHIC_LIBOMP=<prefix>``). Without OpenMP the core builds
  serial, the build says so loudly, and ``izhic.show_config()`` reports it.
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
from setuptools.command.build_ext import build_ext


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
# No floating-point traps (the core never enables them; the results are the
# same bits): gcc then turns the lanes' selects (reset where v reached the peak,
# the clamps) into vector blends on AVX2 and SSE too. With the default
# -ftrapping-math it may not compute both sides of a select, so without
# AVX-512's masked instructions every lane loop stayed scalar (measured:
# Euler 3.1x, rk4 2.1x slower at x86-64-v3 than at v4 for 1000 RS neurons).
if _accepts(["-fno-trapping-math"]):
    compile_args.append("-fno-trapping-math")
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

def _libomp_flags():
    """macOS: Apple's clang takes OpenMP as -Xpreprocessor -fopenmp with LLVM's
    libomp (Homebrew: ``brew install libomp``; or IZHIC_LIBOMP=<prefix>), or
    None when no libomp is found."""
    prefixes = [os.environ.get("IZHIC_LIBOMP", "")]
    try:
        prefixes.append(subprocess.run(["brew", "--prefix", "libomp"], capture_output=True,
                                       text=True, timeout=30).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    for prefix in [p for p in prefixes if p] + ["/opt/homebrew/opt/libomp",
                                                "/usr/local/opt/libomp"]:
        compile_ = ["-Xpreprocessor", "-fopenmp", f"-I{prefix}/include"]
        link = [f"-L{prefix}/lib", "-lomp", f"-Wl,-rpath,{prefix}/lib"]
        if _accepts(compile_ + link):
            return compile_, link
    return None


openmp = False
if _env_flag("IZHIC_OPENMP", "1"):
    if _accepts(["-fopenmp"]):
        openmp = True
        compile_args.append("-fopenmp")
        link_args.append("-fopenmp")
    elif sys.platform == "darwin":
        libomp = _libomp_flags()
        if libomp is not None:
            openmp = True
            compile_args += libomp[0]
            link_args += libomp[1]
if not openmp:
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

# x86-64 micro-architecture levels built side by side (izhic._cpu.LEVELS: the same
# names, the CPU features each needs, the order of preference)
LEVELS = ("v2", "v3", "v4")
if _env_flag("IZHIC_NATIVE", "0") and _accepts(["-march=native"]):
    variants = {"native": ["-march=native"]}
elif all(_accepts([f"-march=x86-64-{level}"]) for level in LEVELS):
    variants = {level: [f"-march=x86-64-{level}"] for level in LEVELS}
else:
    variants = {"baseline": []}   # not x86-64, or a compiler without the level targets

# Cython translates the core once (as izhic._core: the module's name in every
# variant); each variant compiles its own copy of the C (distinct object files, so
# the variants can compile in parallel).
(core,) = cythonize([Extension("izhic._core", ["izhic/_core.pyx"])],
                    compiler_directives=directives)
(core_c,) = core.sources
exts = []
for name, march in variants.items():
    src = os.path.join("build", "izhic_isa", name, "_core.c")
    os.makedirs(os.path.dirname(src), exist_ok=True)
    with open(core_c, "rb") as fh:
        code = fh.read()
    old = None
    if os.path.exists(src):
        with open(src, "rb") as fh:
            old = fh.read()
    if old != code:   # (an unchanged copy keeps its time: no rebuild)
        with open(src, "wb") as fh:
            fh.write(code)
    exts.append(Extension(
        f"izhic._isa.{name}._core",
        [src],
        define_macros=[
            ("IZHIC_BUILD_NATIVE", int(name == "native")),
            ("IZHIC_BUILD_OPENMP", int(openmp)),
        ],
        extra_compile_args=compile_args + march,
        extra_link_args=link_args,
    ))


class BuildExt(build_ext):
    """Compiles the variants in parallel and removes stale ones from the output.

    A variant left by an earlier build of another kind (a native core after this
    build's levels, a pre-dispatch ``izhic/_core*.so``) would be packed into the
    wheel or loaded in place of the new ones."""

    def finalize_options(self):
        super().finalize_options()
        if not self.parallel:
            self.parallel = max(1, min(len(self.extensions), os.cpu_count() or 1))

    def copy_extensions_to_source(self):
        build_py = self.get_finalized_command("build_py")
        for ext in self.extensions:   # (the variants' folders, new in the source tree)
            self.mkpath(os.path.dirname(self._get_inplace_equivalent(build_py, ext)[0]))
        super().copy_extensions_to_source()

    def run(self):
        super().run()
        pkg_dirs = [os.path.join(self.build_lib, "izhic")]
        if self.inplace:   # (pip install -e: the package in the source tree)
            pkg_dirs.append(self.get_finalized_command("build_py").get_package_dir("izhic"))
        suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
        for pkg in pkg_dirs:
            isa = os.path.join(pkg, "_isa")
            for stale in (sorted(os.listdir(isa)) if os.path.isdir(isa) else []):
                if stale not in variants:
                    shutil.rmtree(os.path.join(isa, stale), ignore_errors=True)
            legacy = os.path.join(pkg, "_core" + suffix)
            if os.path.exists(legacy):
                os.remove(legacy)


setup(
    ext_modules=exts,
    cmdclass={"build_ext": BuildExt},
)
