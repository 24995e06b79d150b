"""GitLab Issues through the REST API v4: create, note on update, close (see forge.py).

Settings: project (numeric id or "group/project" path), token_env (default GITLAB_TOKEN; a token
with the api scope), api_url (default https://gitlab.com/api/v4; self-managed:
https://HOST/api/v4), labels (put on created issues), max_pages (marker search depth).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx

from garrison.server.sinks import forge
from garrison.server.sinks.http import json_of
from garrison.server.sinks.options import Options

KIND = "gitlab"
DEFAULT_API = "https://gitlab.com/api/v4"


class GitLabSink(forge.ForgeTransport):
    """Issues of one GitLab project."""

    kind = KIND

    def __init__(
        self,
        project: str,
        token: str,
        client: httpx.Client,
        api_url: str = DEFAULT_API,
        labels: tuple[str, ...] = (),
        max_pages: int = forge.DEFAULT_MAX_PAGES,
    ) -> None:
        headers = {"PRIVATE-TOKEN": token}
        super().__init__(client, api_url, labels, max_pages, headers, KIND, project)
        self.project = project
        self._issues = f"{self.api_url}/projects/{quote(project, safe='')}/issues"

    def open_issues(self) -> Iterator[tuple[str, str]]:
        params = {"state": "opened", "order_by": "created_at", "sort": "desc", "per_page": "100"}
        for item in self._pages(self._issues, "list open issues", params):
            if isinstance(item.get("iid"), int):
                yield str(item["iid"]), str(item.get("description") or "")

    def create(self, title: str, body: str) -> str:
        document = {"title": title, "description": body}
        if self.labels:
            document["labels"] = ",".join(self.labels)
        what = f"{self._what}: create issue"
        response = self._send("POST", self._issues, what, json=document)
        return forge.reference(json_of(response, what), "iid", what)

    def comments(self, ref: str) -> Iterator[str]:
        url = f"{self._issues}/{ref}/notes"
        params = {"order_by": "created_at", "sort": "desc", "per_page": "100"}
        for item in self._pages(url, f"list notes of #{ref}", params):
            yield str(item.get("body") or "")

    def comment(self, ref: str, body: str) -> None:
        url = f"{self._issues}/{ref}/notes"
        self._send("POST", url, f"{self._what}: note on #{ref}", json={"body": body})

    def set_open(self, ref: str, is_open: bool) -> None:
        verb = "reopen" if is_open else "close"
        url = f"{self._issues}/{ref}"
        self._send("PUT", url, f"{self._what}: {verb} #{ref}", json={"state_event": verb})


def build(options: Options, client: httpx.Client) -> GitLabSink:
    """A GitLabSink from the team's settings."""
    options.only("project", "token_env", "api_url", "labels", "max_pages")
    return GitLabSink(
        options.text("project"),
        options.secret("token_env", "GITLAB_TOKEN"),
        client,
        api_url=options.url("api_url", DEFAULT_API),
        labels=options.labels(),
        max_pages=options.count("max_pages", forge.DEFAULT_MAX_PAGES),
    )
