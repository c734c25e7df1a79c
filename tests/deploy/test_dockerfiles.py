"""The Dockerfiles (services/*/Dockerfile) and .dockerignore, read as text.

There is no Docker engine on the development machines or CI (the images are built elsewhere),
so the rules are checked on the parsed files: two stages, pinned base images from no named
registry, the builder installs only this service and the two libraries under the lock's pins,
the final stage runs the service's command as a non-root user and writes no bytecode.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from deploykit import ROOT, SERVICES

LIBS = ("libs/contracts", "libs/kit")


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def parse(path: Path) -> list[Stage]:
    """Instructions by stage; continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, f"{path}: ends inside a continued line"
    stages: list[Stage] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "FROM":
            m = re.fullmatch(r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", args, re.I)
            assert m, f"{path}: FROM {args}"
            stages.append(Stage(m.group(1), m.group(2)))
        else:
            assert stages, f"{path}: {keyword} before FROM"
            stages[-1].instructions.append((keyword, args))
    return stages


def copy_sources(args: str) -> tuple[list[str], list[str]]:
    """(flags, sources) of a COPY; the last word is the destination."""
    words = args.split()
    flags = [w for w in words if w.startswith("--")]
    paths = [w for w in words if not w.startswith("--")]
    return flags, paths[:-1]


def makefile_uv_pin() -> str:
    m = re.search(r"uv==([0-9][^\s]*)", (ROOT / "Makefile").read_text())
    assert m, "the Makefile pins uv"
    return m.group(1)


@pytest.fixture(params=sorted(SERVICES), ids=str)
def dockerfile(request) -> tuple[str, list[Stage]]:
    path = ROOT / "services" / request.param / "Dockerfile"
    assert path.exists(), f"{path} is missing"
    return request.param, parse(path)


def test_base_images_are_pinned_and_name_no_registry(dockerfile):
    _, stages = dockerfile
    for stage in stages:
        image = stage.image
        assert not image.startswith("$"), "the base image is written out, not an ARG"
        repo, _, tag = image.partition("@")[0].rpartition(":")
        assert repo and tag and tag != "latest", f"{image}: needs an explicit tag, not latest"
        first = repo.split("/")[0]
        assert "/" not in repo or ("." not in first and ":" not in first), (
            f"{image}: a registry host; images name none (the build machine's mirror decides)"
        )


def test_two_stages_and_only_its_own_code(dockerfile):
    service, stages = dockerfile
    assert len(stages) >= 2, "multi-stage: a builder and a slim final stage"
    builder, final = stages[0], stages[-1]
    assert builder.name == "builder"
    assert final.image == builder.image, "the venv's interpreter path must exist in both"
    assert not any(kw == "ADD" for s in stages for kw, _ in s.instructions), "COPY, not ADD"

    copied = []
    for args in builder.all("COPY"):
        flags, sources = copy_sources(args)
        assert not flags, args
        copied += sources
    allowed = {"requirements.lock.txt", *LIBS, f"services/{service}"}
    assert set(copied) == allowed, f"copies {copied}; only {sorted(allowed)}"

    for args in final.all("COPY"):
        flags, sources = copy_sources(args)
        assert flags == ["--from=builder"], f"the final stage copies only the built venv: {args}"
        assert sources == ["/opt/venv"]


def test_builder_installs_under_the_lock(dockerfile):
    service, stages = dockerfile
    runs = " ".join(stages[0].all("RUN"))
    assert f"uv=={makefile_uv_pin()}" in runs, "the Makefile's uv"
    assert "grep -v '^-e ' requirements.lock.txt > constraints.txt" in runs
    install = re.search(r"uv pip install (.*)", runs)
    assert install, "uv pip install in the builder"
    words = install.group(1).split()
    assert "--constraint" in words and words[words.index("--constraint") + 1] == "constraints.txt"
    assert "--no-sources" in words and "--compile-bytecode" in words
    targets = [w for w in words if w.startswith("./")]
    assert targets == ["./libs/contracts", "./libs/kit", f"./services/{service}"]


def test_final_stage_runs_the_service_as_non_root(dockerfile):
    service, stages = dockerfile
    final = stages[-1]
    users = final.all("USER")
    assert users, "USER in the final stage"
    uid = users[-1].split(":")[0]
    assert uid not in ("root", "0") and (not uid.isdigit() or int(uid) >= 1000), users[-1]
    assert json.loads(final.all("ENTRYPOINT")[-1]) == [service]
    assert json.loads(final.all("CMD")[-1]) == ["serve"]
    env = " ".join(final.all("ENV"))
    assert "PYTHONDONTWRITEBYTECODE=1" in env, "a read-only root cannot take .pyc files"
    assert "TMPDIR=/tmp" in env and "HOME=/tmp" in env
    svc = SERVICES[service]
    assert final.all("EXPOSE") == [f"{svc.http} {svc.grpc}"]
    assert f"{svc.prefix}HTTP_HOST=0.0.0.0" in env and f"{svc.prefix}GRPC_HOST=0.0.0.0" in env


def test_dockerignore_keeps_the_context_to_what_the_dockerfiles_copy():
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*", "everything is excluded first"
    included = {line[1:] for line in lines if line.startswith("!")}
    assert included == {"requirements.lock.txt", *LIBS, "services"}
    for junk in ("**/__pycache__", "**/.venv", "**/var"):
        assert junk in lines
