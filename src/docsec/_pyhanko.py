"""pyHanko's validation without its signing stack.

``pyhanko.sign.validation`` is a subpackage of ``pyhanko.sign``, whose
``__init__`` imports the signers, which import the time-stamp client, which
imports aiohttp: importing the validation alone costs about twice the CPU it
needs (measured: 0.49 s against 0.23 s user time on the 2-core box, issue #19).
A verifier never signs, so :func:`validation_only` registers ``pyhanko.sign``
as a package whose ``__init__`` has *not* run yet: its submodules import as
usual, and the first access to a name the ``__init__`` defines (``from
pyhanko.sign import sign_pdf``, ``pyhanko.sign.signers``, ...) runs it then,
in place, so a program that signs later in the same process sees the real
package. Nothing else of pyHanko is touched.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from types import ModuleType

__all__ = ["complete", "validation_only"]

_NAME = "pyhanko.sign"
_lock = threading.RLock()


def validation_only() -> None:
    """Make ``import pyhanko.sign.<submodule>`` skip ``pyhanko.sign.__init__``.

    Does nothing if ``pyhanko.sign`` is imported already.
    """
    with _lock:
        if _NAME in sys.modules:
            return
        import pyhanko  # noqa: F401  # the parent package, as the import system would

        spec = importlib.util.find_spec(_NAME)
        if (
            spec is None
            or spec.loader is None
            or spec.submodule_search_locations is None
        ):
            return  # not the package layout we know: leave the import system alone
        module = importlib.util.module_from_spec(spec)
        module.__dict__["_docsec_partial"] = True
        module.__dict__["__getattr__"] = _completing_getattr
        sys.modules[_NAME] = module
        sys.modules["pyhanko"].sign = module  # type: ignore[attr-defined]


def complete() -> ModuleType:
    """Run ``pyhanko.sign.__init__`` if :func:`validation_only` skipped it; return it."""
    with _lock:
        module = sys.modules.get(_NAME)
        if module is not None and module.__dict__.pop("_docsec_partial", False):
            spec = module.__spec__
            loader = spec.loader if spec is not None else None
            if loader is None:  # pragma: no cover - validation_only() checked it
                raise ImportError(f"cannot complete {_NAME}: no loader")
            # ``__getattr__`` stays while ``__init__`` runs: another thread that
            # names a re-export meanwhile (``from pyhanko.sign import sign_pdf``)
            # waits on the lock for the whole package instead of failing, as it
            # would wait on a plain import's module lock.
            try:
                loader.exec_module(module)
            except BaseException:
                # Leave a state a plain ``import pyhanko.sign`` can retry from.
                sys.modules.pop(_NAME, None)
                raise
            finally:
                module.__dict__.pop("__getattr__", None)
        import pyhanko.sign

        return pyhanko.sign


def _completing_getattr(name: str) -> object:
    # PEP 562: called only for names the partial package does not have yet.
    # ``__all__`` too: ``from pyhanko.sign import *`` reads it, and without it
    # would import only the submodules loaded so far.
    if name.startswith("__") and name != "__all__":
        raise AttributeError(name)
    module = complete()
    try:
        return module.__dict__[name]
    except KeyError:
        raise AttributeError(f"module {_NAME!r} has no attribute {name!r}") from None
