"""Type stubs of the athar package (the native module re-exported)."""

from typing import Any, Iterable, Sequence

import numpy as np
import numpy.typing as npt

__version__: str

def normalize(text: str, preset: str = "default") -> str:
    """The text normalized with a preset (`default`, `loose`, `none`, or an
    options id such as `default+hamza-seats`)."""

def tokens(text: str, preset: str = "default") -> list[tuple[str, int, int]]:
    """Normalized tokens with the byte span `(start, end)` of the original
    UTF-8 text each came from."""

class MinHasher:
    """MinHash signatures as `athar dedup` computes them."""

    def __init__(
        self,
        num_perm: int = 128,
        seed: int = 1,
        shingle_size: int = 5,
        algorithm: str = "fast",
        normalize: str = "default",
    ) -> None: ...
    @property
    def num_perm(self) -> int: ...
    @property
    def params(self) -> dict[str, Any]: ...
    def sign(self, text: str) -> npt.NDArray[np.uint32]:
        """Signature of one text, shape `(num_perm,)`."""
    def sign_batch(self, texts: Iterable[str]) -> npt.NDArray[np.uint32]:
        """Signatures, shape `(len(texts), num_perm)`; GIL released, all cores."""
    def sketch_batch(
        self, texts: Iterable[str]
    ) -> tuple[npt.NDArray[np.uint32], list[npt.NDArray[np.uint32]], npt.NDArray[np.uint64]]:
        """`(signatures, compact shingle sets, token counts)` in one pass."""
    def band_keys(
        self, signatures: npt.NDArray[np.uint32], bands: int, rows: int
    ) -> npt.NDArray[np.uint64]:
        """LSH bucket keys, shape `(n, bands)`."""

def band_keys(
    signatures: npt.NDArray[np.uint32], bands: int, rows: int
) -> npt.NDArray[np.uint64]:
    """LSH bucket keys, shape `(n, bands)`: column `b` hashes slots
    `b*rows .. (b+1)*rows`."""

def shingle_set(
    text: str, shingle_size: int = 5, preset: str = "default", compact: bool = False
) -> npt.NDArray[np.uint64] | npt.NDArray[np.uint32]:
    """Sorted, distinct shingle hashes (uint64), or their high 32 bits
    (uint32) with `compact=True`."""

def jaccard(
    a: npt.NDArray[np.uint64] | npt.NDArray[np.uint32],
    b: npt.NDArray[np.uint64] | npt.NDArray[np.uint32],
) -> float:
    """Exact Jaccard of two shingle sets of the same dtype."""

def containment(
    a: npt.NDArray[np.uint64] | npt.NDArray[np.uint32],
    b: npt.NDArray[np.uint64] | npt.NDArray[np.uint32],
) -> float:
    """Share of `a` found in `b`."""

def lsh_params(
    threshold: float = 0.5, containment: float = 0.5, num_perm: int = 128
) -> tuple[int, int]:
    """`(bands, rows)` as `athar dedup` chooses them."""

def dedup(
    texts: Iterable[str],
    ids: Sequence[str] | None = None,
    threshold: float = 0.5,
    containment: float = 0.5,
    *,
    name: str = "<python>",
    **flags: Any,
) -> dict[str, Any]:
    """The report of `athar dedup --format json` as a dict (`pairs`,
    `clusters`, `documents`, ...)."""

def report(
    texts: Iterable[str],
    ids: Sequence[str] | None = None,
    *,
    name: str = "<python>",
    **flags: Any,
) -> dict[str, Any]:
    """The report of `athar report --format json` as a dict."""

def keep_ids(result: dict[str, Any]) -> list[str]:
    """Ids to keep after deduplication (as `athar dedup --keep`)."""
