"""Every service function that reads or writes a user's data takes a required keyword `user_id`."""

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

import runback.services


def _public_functions() -> Iterator[tuple[str, Any]]:
    """Yield (qualified name, function) for every public function and method defined in services."""
    for info in pkgutil.iter_modules(runback.services.__path__):
        module = importlib.import_module(f"runback.services.{info.name}")
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
            elif inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and inspect.isfunction(member):
                        yield f"{module.__name__}.{name}.{attr}", member


def test_the_services_are_found() -> None:
    names = {name for name, _ in _public_functions()}
    assert "runback.services.today.today_view" in names or len(names) > 50


def test_user_id_is_keyword_only_and_required_everywhere() -> None:
    wrong = []
    for name, function in _public_functions():
        parameter = inspect.signature(function).parameters.get("user_id")
        if parameter is None:
            continue
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            wrong.append(f"{name}: user_id is not keyword-only")
        if parameter.default is not inspect.Parameter.empty:
            wrong.append(f"{name}: user_id has a default")
    assert wrong == []
