"""Parameter objects: ``get_params`` / ``set_params`` read off the ``__init__`` signature.

Datafits and penalties are small parameter objects, like scikit-learn estimators without
``fit``: their constructor only stores its arguments, so ``sklearn.base.clone`` rebuilds them
and a grid search can set ``penalty__alpha`` on an estimator that holds one.
"""

import functools
import inspect


class ParamsMixin:
    """``get_params``, ``set_params`` and a ``repr`` from the constructor's parameters."""

    @classmethod
    def _get_param_names(cls):
        return list(_param_names(cls))

    def get_params(self, deep=True):
        """Constructor parameters as a dict (nested ``name__param`` entries with ``deep``)."""
        out = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params):
        """Set constructor parameters (``name__param`` reaches a nested object); returns self."""
        valid = self._get_param_names()
        nested = {}
        for key, value in params.items():
            name, sep, sub = key.partition("__")
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for {type(self).__name__}; "
                                 f"valid parameters are {valid}.")
            if sep:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub in nested.items():
            getattr(self, name).set_params(**sub)
        return self

    def __repr__(self):
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._get_param_names())
        return f"{type(self).__name__}({args})"


@functools.cache
def _param_names(cls):
    """The constructor's parameter names of ``cls``, in signature order (cached per class)."""
    init = cls.__init__
    if init is object.__init__:
        return ()
    names = []
    for p in inspect.signature(init).parameters.values():
        if p.name == "self":
            continue
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise TypeError(f"{cls.__name__}.__init__ must list its parameters explicitly "
                            "(no *args / **kwargs).")
        names.append(p.name)
    return tuple(names)
