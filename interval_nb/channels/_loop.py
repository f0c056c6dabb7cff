"""The kernel's main event loop, found from any thread.

Runs live on the kernel's asyncio loop. Widgets and the remote channel are created on it (in a
cell, or in a comm callback the kernel dispatches), but their page messages may arrive on a
kernel subshell thread, so each keeps a reference to the loop to hop back with
``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import sys

from ..errors import IntervalNBError


def main_loop() -> asyncio.AbstractEventLoop:
    """The kernel's main event loop (where runs live), from any thread.

    Outside a kernel, the loop running in this thread; with neither, a clear error instead of
    creating a loop nobody runs.
    """
    kernelbase = sys.modules.get("ipykernel.kernelbase")  # only if running in a kernel
    kernel = getattr(kernelbase, "Kernel", None)
    if kernel is not None and kernel.initialized():
        loop = getattr(getattr(kernel.instance(), "io_loop", None), "asyncio_loop", None)
        if isinstance(loop, asyncio.AbstractEventLoop):
            return loop
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        raise IntervalNBError(
            "interval_nb needs a running event loop: use it in a Jupyter kernel, or from async "
            "code (see interval_nb.testing for tests)"
        ) from None
