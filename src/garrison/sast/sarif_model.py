"""Our model of the part of SARIF 2.1.0 garrison reads (pydantic, at the edge: SARIF is input).

Types are strict as in the official schema (a line is an integer, not "3"); keys we do not
read are allowed (the schema forbids unknown keys; tools add some, and refusing a whole
report for them would help no one). `tests/sast/test_sarif_conformance.py` checks that this
model accepts every document the official schema accepts in a set of real-world shapes,
and refuses the broken ones. Results are validated one by one (`Result`), so one bad
result costs only itself.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Level = Literal["none", "note", "warning", "error"]
Kind = Literal["notApplicable", "pass", "fail", "review", "open", "informational"]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow", frozen=True)


class PropertyBag(_Model):
    tags: list[str] = []

    @field_validator("tags")
    @classmethod
    def _unique(cls, tags: list[str]) -> list[str]:
        if len(set(tags)) != len(tags):
            raise ValueError("tags must be unique")
        return tags


class Message(_Model):
    text: str | None = None
    id: str | None = None
    arguments: list[str] = []

    @model_validator(mode="after")
    def _text_or_id(self) -> Message:
        if self.text is None and self.id is None:
            raise ValueError("a message needs 'text' or 'id'")
        return self


class MultiformatMessage(_Model):
    text: str
    markdown: str | None = None


class ArtifactLocation(_Model):
    uri: str | None = None
    uriBaseId: str | None = None
    index: int = Field(default=-1, ge=-1)


class ArtifactContent(_Model):
    text: str | None = None


class Region(_Model):
    startLine: int | None = Field(default=None, ge=1)
    startColumn: int | None = Field(default=None, ge=1)
    endLine: int | None = Field(default=None, ge=1)
    endColumn: int | None = Field(default=None, ge=1)
    charOffset: int | None = Field(default=None, ge=-1)
    byteOffset: int | None = Field(default=None, ge=-1)
    snippet: ArtifactContent | None = None

    @model_validator(mode="after")
    def _has_a_start(self) -> Region:
        if self.startLine is None and self.charOffset is None and self.byteOffset is None:
            raise ValueError("a region needs 'startLine', 'charOffset' or 'byteOffset'")
        return self


class PhysicalLocation(_Model):
    artifactLocation: ArtifactLocation | None = None
    address: dict[str, Any] | None = None
    region: Region | None = None

    @model_validator(mode="after")
    def _has_a_target(self) -> PhysicalLocation:
        if self.artifactLocation is None and self.address is None:
            raise ValueError("a physical location needs 'artifactLocation' or 'address'")
        return self


class Location(_Model):
    physicalLocation: PhysicalLocation | None = None


class Suppression(_Model):
    kind: Literal["inSource", "external"]
    status: Literal["accepted", "underReview", "rejected"] | None = None


class ToolComponentReference(_Model):
    name: str | None = None
    index: int = Field(default=-1, ge=-1)
    guid: str | None = None


class DescriptorReference(_Model):
    id: str | None = None
    index: int = Field(default=-1, ge=-1)
    guid: str | None = None
    toolComponent: ToolComponentReference | None = None

    @model_validator(mode="after")
    def _identifies(self) -> DescriptorReference:
        fields = self.model_fields_set
        if not fields & {"id", "index", "guid"}:
            raise ValueError("a rule reference needs 'id', 'index' or 'guid'")
        return self


class Result(_Model):
    message: Message
    ruleId: str | None = None
    ruleIndex: int = Field(default=-1, ge=-1)
    rule: DescriptorReference | None = None
    kind: Kind = "fail"
    level: Level | None = None
    locations: list[Location] = []
    partialFingerprints: dict[str, str] | None = None
    fingerprints: dict[str, str] | None = None
    baselineState: Literal["new", "unchanged", "updated", "absent"] | None = None
    suppressions: list[Suppression] | None = None
    properties: PropertyBag | None = None


class Configuration(_Model):
    level: Level | None = None
    enabled: bool = True


class Relationship(_Model):
    target: DescriptorReference


class Rule(_Model):
    id: str
    name: str | None = None
    shortDescription: MultiformatMessage | None = None
    fullDescription: MultiformatMessage | None = None
    help: MultiformatMessage | None = None
    helpUri: str | None = None
    messageStrings: dict[str, MultiformatMessage] | None = None
    defaultConfiguration: Configuration | None = None
    relationships: list[Relationship] = []
    properties: PropertyBag | None = None


class ToolComponent(_Model):
    name: str
    rules: list[Rule] = []


class Tool(_Model):
    driver: ToolComponent
    extensions: list[ToolComponent] = []


class Notification(_Model):
    message: Message
    level: Level = "warning"
    locations: list[Location] = []


class Invocation(_Model):
    executionSuccessful: bool
    toolExecutionNotifications: list[Notification] = []
    toolConfigurationNotifications: list[Notification] = []


class Artifact(_Model):
    location: ArtifactLocation | None = None


class Run(_Model):
    tool: Tool
    artifacts: list[Artifact] = []
    results: list[Any] | None = None  # each validated as a Result by itself
    invocations: list[Invocation] = []
    originalUriBaseIds: dict[str, ArtifactLocation] | None = None


class Log(_Model):
    version: Literal["2.1.0"]
    runs: list[Any] | None  # each validated as a Run by itself
