"""courseware: a YAML course spec in, reviewed markdown and classroom formats out."""

__version__ = "0.1.0"
