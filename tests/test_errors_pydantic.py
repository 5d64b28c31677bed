"""errors.from_pydantic: one conversion from pydantic's errors to runback's, naming each field."""

from __future__ import annotations

import pydantic
import pytest

from runback.errors import ValidationError, from_pydantic


class _Thing(pydantic.BaseModel):
    minutes: int
    name: str

    @pydantic.field_validator("name")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("name is blank; give it a name")
        return v


def _error(data: object) -> pydantic.ValidationError:
    with pytest.raises(pydantic.ValidationError) as info:
        _Thing.model_validate(data)
    return info.value


def test_fields_are_named_under_the_prefix_and_value_error_is_dropped() -> None:
    err = from_pydantic(_error({"minutes": "x", "name": " "}), "plan request", prefix="plan")
    assert isinstance(err, ValidationError) and err.http_status == 422
    assert err.source == "plan request"
    assert err.problems[0].startswith("plan.minutes: Input should be a valid integer")
    assert err.problems[1] == "plan.name: name is blank; give it a name"


def test_a_whole_model_error_gets_the_empty_name() -> None:
    err = from_pydantic(_error("not a mapping"), "reminders", empty="reminders")
    assert err.problems[0].startswith("reminders: ")
