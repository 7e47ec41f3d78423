"""Type stub of the compiled core (izhic/_core.pyx)."""
import numpy as np
from numpy.typing import NDArray

OPENMP: bool
NATIVE: bool
SPIKES_PER_STEP_LIMIT: int
METHOD_CODES: dict[str, int]
V_AT_SPIKE_CODES: dict[str, int]

def max_threads() -> int: ...
def release_pool() -> None: ...

class Run:
    n_threads: int
    def __init__(
        self, method: str, dt: float,
        a: NDArray[np.float64], b: NDArray[np.float64], c: NDArray[np.float64],
        d: NDArray[np.float64], peak: NDArray[np.float64], current: NDArray[np.float64],
        v: NDArray[np.float64], u: NDArray[np.float64],
        stride: int = ..., rec_row: NDArray[np.int32] | None = ...,
        tr_v: NDArray[np.float64] | None = ..., tr_u: NDArray[np.float64] | None = ...,
        v_at_spike: str = ..., n_threads: int = ..., interpolate: bool = ...,
    ) -> None: ...
    @property
    def width(self) -> int: ...
    @property
    def n_blocks(self) -> int: ...
    def advance(self, k0: int, k1: int) -> bool: ...
    def n_capped(self) -> int: ...
    def n_spikes(self) -> int: ...
    def collect(self) -> tuple[NDArray[np.float64], NDArray[np.int64]]: ...
