"""Movement-break reminders: the daemon and its seams (notifier, idle source, systemd, calendar)."""

__all__: list[str] = []
