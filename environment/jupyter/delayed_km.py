"""A Jupyter kernel manager that gives rapaio-jupyter-kernel time to register its message handlers.

rapaio-jupyter-kernel 3.0.1 starts its channel loops before its handlers; a client that asks for
kernel_info at once is sometimes never answered ("Kernel didn't respond"). Waiting a few seconds after
start makes that rarer; notebooks/run-notebooks.sh retries the rest.
"""
import asyncio
import os

from jupyter_client.manager import AsyncKernelManager


class DelayedStartKernelManager(AsyncKernelManager):
    async def post_start_kernel(self, **kw):
        await super().post_start_kernel(**kw)
        await asyncio.sleep(float(os.environ.get("KERNEL_START_DELAY", "10")))
