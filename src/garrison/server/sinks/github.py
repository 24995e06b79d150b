"""GitHub Issues through the REST API v3: create, comment on update, close (see forge.py).

Settings: repository ("owner/name"), token_env (default GITHUB_TOKEN; a token that may write
issues), api_url (default https://api.github.com; GitHub Enterprise: https://HOST/api/v3),
labels (put on created issues), max_pages (how far the marker search lists open issues).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx

from garrison.errors import ConfigError
from garrison.server.sinks import forge
from garrison.server.sinks.http import json_of
from garrison.server.sinks.options import Options

KIND = "github"
DEFAULT_API = "https://api.github.com"
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


class GitHubSink(forge.ForgeTransport):
    """Issues of one GitHub repository."""

    kind = KIND

    def __init__(
        self,
        repository: str,
        token: str,
        client: httpx.Client,
        api_url: str = DEFAULT_API,
        labels: tuple[str, ...] = (),
        max_pages: int = forge.DEFAULT_MAX_PAGES,
    ) -> None:
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        super().__init__(client, api_url, labels, max_pages, headers, KIND, repository)
        self.repository = repository
        self._issues = f"{self.api_url}/repos/{repository}/issues"

    def open_issues(self) -> Iterator[tuple[str, str]]:
        params = {"state": "open", "sort": "created", "direction": "desc", "per_page": "100"}
        for item in self._pages(self._issues, "list open issues", params):
            if "pull_request" not in item and isinstance(item.get("number"), int):
                yield str(item["number"]), str(item.get("body") or "")

    def create(self, title: str, body: str) -> str:
        document: dict[str, Any] = {"title": title, "body": body}
        if self.labels:
            document["labels"] = list(self.labels)
        what = f"{self._what}: create issue"
        response = self._send("POST", self._issues, what, json=document)
        return forge.reference(json_of(response, what), "number", what)

    def comments(self, ref: str) -> Iterator[str]:
        url = f"{self._issues}/{ref}/comments"
        for item in self._pages(url, f"list comments of #{ref}", {"per_page": "100"}):
            yield str(item.get("body") or "")

    def comment(self, ref: str, body: str) -> None:
        url = f"{self._issues}/{ref}/comments"
        self._send("POST", url, f"{self._what}: comment on #{ref}", json={"body": body})

    def set_open(self, ref: str, is_open: bool) -> None:
        state = {"state": "open"} if is_open else {"state": "closed", "state_reason": "completed"}
        verb = "reopen" if is_open else "close"
        self._send("PATCH", f"{self._issues}/{ref}", f"{self._what}: {verb} #{ref}", json=state)


def build(options: Options, client: httpx.Client) -> GitHubSink:
    """A GitHubSink from the team's settings."""
    options.only("repository", "token_env", "api_url", "labels", "max_pages")
    repository = options.text("repository")
    if not _REPOSITORY.fullmatch(repository):
        raise ConfigError(f"{options.where}: repository must look like owner/name")
    return GitHubSink(
        repository,
        options.secret("token_env", "GITHUB_TOKEN"),
        client,
        api_url=options.url("api_url", DEFAULT_API),
        labels=options.labels(),
        max_pages=options.count("max_pages", forge.DEFAULT_MAX_PAGES),
    )
