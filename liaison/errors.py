"""Domain errors raised by services, independent of HTTP.

- ``django.core.exceptions.ValidationError``: bad input (400 / form errors).
- ``django.core.exceptions.PermissionDenied``: the caller sees the object but
  may not do this to it (403).
- :class:`Conflict`: not allowed from the object's current state (409).
"""


class Conflict(Exception):
    """The action is not allowed from the object's current state."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
