"""Pure domain logic: no I/O, time comes from an injected Clock."""
