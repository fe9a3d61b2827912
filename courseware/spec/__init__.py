"""The course spec: a typed model (`model`), loaded from YAML with located errors (`load`)."""

from courseware.spec.load import LoadedSpec, load_spec
from courseware.spec.model import Spec

__all__ = ["LoadedSpec", "Spec", "load_spec"]
