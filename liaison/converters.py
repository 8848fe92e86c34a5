"""URL converters."""


class YearConverter:
    """A ranking year in a URL: 2000–2099 (anything else does not match: 404)."""

    regex = r"20\d{2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"
