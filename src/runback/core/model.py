"""The pydantic base of runback's own models: each builds its validator on first use.

A command imports far more models than it uses (Today's modules bring the programme, profile,
pain and routine models with them); built at import, as pydantic does by default, they were a
large part of what runback adds to every command's start-up. Deferred, a model that is never
validated or dumped in a process costs only its class.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Model"]


class Model(BaseModel):
    """A pydantic model built when first used (validation, dumping, schema), not at import."""

    model_config = ConfigDict(defer_build=True)
