"""``@record``: a frozen dataclass that costs microseconds, not a millisecond, to define.

``@dataclass(frozen=True)`` writes each class's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__`` and ``__delattr__`` as source text and compiles it with
``exec``: about 0.6 ms per class, paid on every start of the CLI (the engine's events,
config and diagnosis records alone cost 7 ms of a 50 ms process; see issue 13). A record
builds the same methods from shared closures instead, and behaves as that dataclass:

- the same constructor (positional and keyword arguments, defaults, ``default_factory``,
  ``kw_only``), ``repr``, ``==`` and ``hash`` (fields with ``compare=False`` left out),
  ``__match_args__``, assignment raising ``dataclasses.FrozenInstanceError``, pickling;
- ``dataclasses.fields``, ``replace``, ``asdict`` and ``is_dataclass`` work: the
  ``Field`` objects are made by :mod:`dataclasses` itself, on first use, so the module is
  not imported at start-up;
- type checkers see a frozen dataclass (:func:`typing.dataclass_transform`).

``field(...)`` takes the arguments of :func:`dataclasses.field`; a ``dataclasses.field``
works too. :func:`replace` is ``dataclasses.replace`` for records, without importing
:mod:`dataclasses` (whose import, with ``copy``, costs a millisecond at start-up).
Use ``@record`` for the records of the start-up path; anything else may stay a plain
dataclass.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")
_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "MISSING"})()
_SPEC = "__record_spec__"
_FIELDS = "__dataclass_fields__"


class _FieldSpec:
    """What ``field(...)`` said; turned into a real ``dataclasses.Field`` when asked for."""

    __slots__ = ("kwargs",)

    def __init__(self, kwargs: dict[str, Any]) -> None:
        self.kwargs = kwargs


def field(*, default: Any = _MISSING, default_factory: Any = _MISSING, init: bool = True,
          repr: bool = True, hash: bool | None = None, compare: bool = True,  # noqa: A002
          metadata: Any = None, kw_only: Any = _MISSING) -> Any:
    """As :func:`dataclasses.field`, for a :func:`record`."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("cannot specify both default and default_factory")
    kwargs = {"default": default, "default_factory": default_factory, "init": init,
              "repr": repr, "hash": hash, "compare": compare, "metadata": metadata,
              "kw_only": kw_only}
    return _FieldSpec({k: v for k, v in kwargs.items() if v is not _MISSING})


class _Field:
    """One field as the generated methods need it, and the options it was declared with."""

    __slots__ = ("name", "options", "default", "factory", "init", "repr", "compare", "hash",
                 "kw_only")

    def __init__(self, name: str, value: Any, kw_only: bool) -> None:
        self.name = name
        if value is _MISSING or not (isinstance(value, _FieldSpec)
                                     or _is_dataclass_field(value)):
            # The common case, kept short (every field of every record, at import): no
            # field(...), just a default or none.
            self.options = {"kw_only": kw_only} if value is _MISSING else {
                "default": value, "kw_only": kw_only}
            self.default = value
            self.factory = _MISSING
            self.init = self.repr = self.compare = self.hash = True
            self.kw_only = kw_only
            return
        if isinstance(value, _FieldSpec):
            options = dict(value.kwargs)
        else:  # a dataclasses.field(...)
            missing = sys.modules["dataclasses"].MISSING
            options = {k: getattr(value, k) for k in ("default", "default_factory", "init",
                                                      "repr", "hash", "compare", "metadata",
                                                      "kw_only")}
            options = {k: v for k, v in options.items() if v is not missing}
        options.setdefault("kw_only", kw_only)
        self.options = options
        self.default = options.get("default", _MISSING)
        self.factory = options.get("default_factory", _MISSING)
        self.init = options.get("init", True)
        self.repr = options.get("repr", True)
        self.compare = options.get("compare", True)
        hashed = options.get("hash")
        self.hash = self.compare if hashed is None else hashed
        self.kw_only = options["kw_only"]


def _is_dataclass_field(value: object) -> bool:
    kind = type(value)
    return kind.__name__ == "Field" and kind.__module__ == "dataclasses"


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(*, slots: bool = False, kw_only: bool = False,
           eq: bool = True) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[_T] | None = None, /, *, slots: bool = False, kw_only: bool = False,
           eq: bool = True) -> Any:
    """Make ``cls`` a frozen record: ``@record`` or ``@record(slots=True, kw_only=True)``,
    with the meaning these options have for ``@dataclass(frozen=True, ...)``."""

    def wrap(cls: type[_T]) -> type[_T]:
        return _build(cls, slots=slots, kw_only=kw_only, eq=eq)

    return wrap if cls is None else wrap(cls)


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the record ``obj`` with ``changes``, as :func:`dataclasses.replace`."""
    spec = getattr(type(obj), _SPEC, None)
    if spec is None:
        import dataclasses

        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    for f in spec:
        if not f.init:
            if f.name in changes:
                raise ValueError(f"field {f.name} is declared with init=False, it cannot be "
                                 "specified with replace()")
        elif f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return type(obj)(**changes)


def _own_fields(cls: type, kw_only: bool) -> list[_Field]:
    out = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        text = annotation if isinstance(annotation, str) else repr(annotation)
        if text.startswith(("ClassVar", "typing.ClassVar", "InitVar", "dataclasses.")):
            continue
        out.append(_Field(name, cls.__dict__.get(name, _MISSING), kw_only))
    return out


def _build(cls: type[_T], *, slots: bool, kw_only: bool, eq: bool) -> type[_T]:
    inherited: dict[str, _Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for f in base.__dict__.get(_SPEC, ()):
            inherited[f.name] = f
    own = _own_fields(cls, kw_only)
    fields = tuple({**inherited, **{f.name: f for f in own}}.values())
    namespace = dict(cls.__dict__)
    for f in own:
        if f.default is _MISSING or slots:
            namespace.pop(f.name, None)  # no Field objects (or slot conflicts) on the class
        else:
            namespace[f.name] = f.default  # as dataclasses leaves it: a class attribute
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    if slots:
        namespace["__slots__"] = tuple(f.name for f in own)
    namespace[_SPEC] = fields
    namespace[_FIELDS] = _LazyFields()
    namespace["__dataclass_params__"] = _LazyFields()
    namespace["__match_args__"] = tuple(f.name for f in fields if f.init and not f.kw_only)
    namespace["__init__"] = _init(cls.__qualname__, fields, slots)
    owner: list[type] = []  # the class being made, for its __setattr__
    names = frozenset(f.name for f in fields)
    namespace["__setattr__"], namespace["__delattr__"] = _frozen(owner, names)
    namespace["__getstate__"] = _getstate
    namespace["__setstate__"] = _setstate
    if "__repr__" not in cls.__dict__:
        namespace["__repr__"] = _repr
    if eq and "__eq__" not in cls.__dict__:
        namespace["__eq__"] = _eq
    if "__hash__" not in cls.__dict__ or cls.__dict__["__hash__"] is None:
        namespace["__hash__"] = _hash if eq else object.__hash__
    metaclass: Any = type(cls)
    new: type[_T] = metaclass(cls.__name__, cls.__bases__, namespace)
    new.__qualname__ = cls.__qualname__
    owner.append(new)
    return new


def _init(qualname: str, fields: tuple[_Field, ...], slots: bool) -> Callable[..., None]:
    """``__init__``: fields given positionally, then by keyword, then defaults. A class with
    a ``__dict__`` gets it built in one go (a 25-field profile: ~2 µs, as a dataclass)."""
    positional = tuple(f.name for f in fields if f.init and not f.kw_only)
    keywords = frozenset(f.name for f in fields if f.init)
    required = frozenset(f.name for f in fields if f.init and f.default is _MISSING
                         and f.factory is _MISSING)
    defaults = {f.name: f.default for f in fields if f.default is not _MISSING}
    factories = tuple((f.name, f.factory) for f in fields if f.factory is not _MISSING)
    setter = object.__setattr__

    def fail(args: tuple[Any, ...], kwargs: dict[str, Any], given: Any) -> TypeError:
        if len(args) > len(positional):
            return TypeError(f"{qualname}.__init__() takes {len(positional) + 1} positional "
                             f"arguments but {len(args) + 1} were given")
        for name in positional[:len(args)]:
            if name in kwargs:
                return TypeError(f"{qualname}.__init__() got multiple values for argument "
                                 f"'{name}'")
        for name in kwargs:
            if name not in keywords:
                return TypeError(f"{qualname}.__init__() got an unexpected keyword argument "
                                 f"'{name}'")
        absent = [name for name in positional + tuple(sorted(required - set(positional)))
                  if name in required and name not in given]
        return TypeError(f"{qualname}.__init__() missing {len(absent)} required argument"
                         f"{'s' if len(absent) > 1 else ''}: "
                         + " and ".join(f"'{name}'" for name in absent))

    if not slots:
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            values = dict(defaults)
            if args:
                if len(args) > len(positional) or not kwargs.keys().isdisjoint(
                        positional[:len(args)]):
                    raise fail(args, kwargs, values)
                values.update(zip(positional, args, strict=False))
            if kwargs:
                if not kwargs.keys() <= keywords:
                    raise fail(args, kwargs, values)
                values.update(kwargs)
            for name, factory in factories:
                if name not in values:
                    values[name] = factory()
            if not required <= values.keys():
                raise fail(args, kwargs, values)
            setter(self, "__dict__", values)
    else:
        # What is left to set after n positional arguments, worked out for each n when
        # first called with it (working out every n up front is quadratic in the fields:
        # 0.1 ms for a 20-field record, at import).
        tails: list[tuple[tuple[str, bool, Any, Any], ...] | None] = \
            [None] * (len(positional) + 1)
        missing = _MISSING

        def tail(n: int) -> tuple[tuple[str, bool, Any, Any], ...]:
            given = frozenset(positional[:n])
            found = tuple((f.name, f.init, f.default, f.factory) for f in fields
                          if not (f.init and not f.kw_only and f.name in given))
            tails[n] = found
            return found

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            n = len(args)
            if n > len(positional):
                raise fail(args, kwargs, ())
            for name, value in zip(positional, args, strict=False):
                setter(self, name, value)
            left = tails[n]
            for name, init, default, factory in tail(n) if left is None else left:
                if init and name in kwargs:
                    value = kwargs.pop(name)
                elif default is not missing:
                    value = default
                elif factory is not missing:
                    value = factory()
                elif not init:
                    continue  # as dataclasses: left unset
                else:
                    raise fail(args, kwargs, {**dict(zip(positional, args, strict=False)),
                                              **kwargs})
                setter(self, name, value)
            if kwargs:
                raise fail(args, kwargs, ())

    __init__.__qualname__ = f"{qualname}.__init__"
    return __init__


def _frozen(owner: list[type], names: frozenset[str]) -> tuple[Callable[..., None], ...]:
    """As a frozen dataclass: its fields cannot be set or deleted, and nothing at all on
    the class itself (a subclass that is not a record may add attributes)."""

    def check(self: Any, name: str) -> None:
        if type(self) is owner[0] or name in names:
            from dataclasses import FrozenInstanceError

            raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __setattr__(self: Any, name: str, value: Any) -> None:
        check(self, name)
        object.__setattr__(self, name, value)  # a non-record subclass's own

    def __delattr__(self: Any, name: str) -> None:
        check(self, name)
        object.__delattr__(self, name)

    return __setattr__, __delattr__


def _getstate(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, f.name) for f in getattr(type(self), _SPEC))


def _setstate(self: Any, state: tuple[Any, ...]) -> None:
    for f, value in zip(getattr(type(self), _SPEC), state, strict=True):
        object.__setattr__(self, f.name, value)


_repr_running: set[tuple[int, int]] = set()


def _repr(self: Any) -> str:
    import _thread

    key = (id(self), _thread.get_ident())
    if key in _repr_running:
        return "..."  # a record that contains itself, as reprlib.recursive_repr shows it
    _repr_running.add(key)
    try:
        inner = ", ".join(f"{f.name}={getattr(self, f.name)!r}"
                          for f in getattr(type(self), _SPEC) if f.repr)
    finally:
        _repr_running.discard(key)
    return f"{type(self).__qualname__}({inner})"


def _compared(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, f.name) for f in getattr(type(self), _SPEC) if f.compare)


def _eq(self: Any, other: object) -> object:
    if other.__class__ is not self.__class__:
        return NotImplemented
    same: bool = _compared(self) == _compared(other)
    return same


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, f.name) for f in getattr(type(self), _SPEC) if f.hash))


class _LazyFields:
    """``__dataclass_fields__`` and ``__dataclass_params__``, made by :mod:`dataclasses`
    on first access from a stand-in class with the same annotations and fields."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        cls = owner if owner is not None else type(instance)
        for klass in cls.__mro__:
            if isinstance(klass.__dict__.get(_FIELDS), _LazyFields):
                _materialise(klass)
        return cls.__dict__[self.name] if self.name in cls.__dict__ else getattr(cls, self.name)


def _materialise(cls: type) -> None:
    import dataclasses

    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": cls.__module__,
                                 "__qualname__": cls.__qualname__, "__doc__": cls.__doc__ or ""}
    for f in cls.__dict__[_SPEC]:
        declared = next(k.__dict__["__annotations__"][f.name] for k in cls.__mro__
                        if f.name in k.__dict__.get("__annotations__", {}))
        namespace["__annotations__"][f.name] = declared
        namespace[f.name] = dataclasses.field(**f.options)
    # Nothing generated (no exec), and a docstring, so no signature is computed either.
    made: Any = dataclasses.dataclass(type(cls.__name__, (), namespace), init=False,
                                      repr=False, eq=False)
    params = made.__dataclass_params__
    params.init = params.repr = params.frozen = True
    params.eq = "__eq__" in cls.__dict__
    type.__setattr__(cls, _FIELDS, made.__dataclass_fields__)
    type.__setattr__(cls, "__dataclass_params__", params)
