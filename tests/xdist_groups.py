"""`-n 2 --dist loadgroup` (make test; `make test WORKERS=N`) as the suite means it: a test file
runs on one worker (its module-scoped fixtures, a built course, are made once) and the real-model
tests share one worker (one llama.cpp server loads the model).

xdist's own loadgroup passes a test's group from the worker to the controller as an '@group'
suffix on the node id, which pytest 9.2's structured node ids no longer take (pytest-xdist#1386):
every test became a work unit of its own, the module fixtures were built on both workers and each
worker started a llama.cpp server. So the workers write each test's group to a file (`write`, from
conftest's collection hook) and the controller's scheduler reads it; it stands in for loadgroup.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

KEY = "courseware_groups"  # the workerinput entry naming the file; the config stash holds its folder
FOLDER = pytest.StashKey[Path]()


def _file(config: pytest.Config) -> Path:
    """The controller's file of groups (in a folder of its own, removed when the session ends)."""
    if FOLDER not in config.stash:
        config.stash[FOLDER] = Path(tempfile.mkdtemp(prefix="courseware-groups-"))
        config.add_cleanup(lambda: shutil.rmtree(config.stash[FOLDER], ignore_errors=True))
    return config.stash[FOLDER] / "groups.json"


def write(config: pytest.Config, groups: dict[str, str]) -> None:
    """On a worker: save each test's group (node id -> group) where the controller reads it. Every
    worker collects the same tests; each writes the whole file and renames it into place."""
    workerinput = getattr(config, "workerinput", None)
    if not workerinput or KEY not in workerinput:
        return
    target = Path(workerinput[KEY])
    partial = target.with_name(f"{target.name}.{workerinput['workerid']}")
    partial.write_text(json.dumps(groups), "utf-8")
    os.replace(partial, target)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """Tell each worker where the groups go."""
    node.workerinput[KEY] = str(_file(node.config))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """For `--dist loadgroup`: xdist's scope scheduling with the scopes the workers wrote."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    # The groups in the collection's order, not xdist's largest-first: the model group (a dozen
    # tests, a minute and a half) starts first instead of last, where it ran alone at the end.
    config.option.loadscopereorder = False

    class GroupScheduling(LoadScopeScheduling):
        """Whole groups go to a worker, in the order of the collection (the model tests first)."""

        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            # Read once every worker has collected, which is when xdist first asks for a scope.
            if self.groups is None:
                self.groups = json.loads(_file(config).read_text("utf-8"))
            return self.groups[nodeid]

    return GroupScheduling(config, log)
