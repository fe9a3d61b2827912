"""courseware: a YAML course spec in, reviewed markdown and classroom formats out."""


def __getattr__(name: str) -> str:
    """`courseware.__version__`: the installed distribution's version; pyproject.toml is its one source."""
    if name != "__version__":
        raise AttributeError(f"module 'courseware' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("courseware")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "0+unknown"
