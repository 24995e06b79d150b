"""Configuration recipes of the labelled secrets corpus (see bench/secrets_corpus.py), and
the `Doc` and `Planter` every recipe uses.

Each recipe writes the files one kind of project file looks like in real repositories, with
`Doc.put` marking each planted value (secret or decoy) so its line is labelled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from secrets_corpus_values import (
    AZURITE_KEY,
    ENV_NAMES,
    KEY_LABELS,
    NOT_SECRET_ENV,
    R,
    b64_of,
    commit_sha,
    decoy,
    pem,
    public_pem,
    secret,
    service_account,
    ssh_public_key,
)

MARK = "@@"


@dataclass(frozen=True)
class Label:
    line: int
    end_line: int
    kind: str
    is_secret: bool


class Doc:
    """A file's lines and the labels of the values planted in it."""

    def __init__(self, *lines: str) -> None:
        self.lines: list[str] = []
        self.labels: list[Label] = []
        self.add(*lines)

    def add(self, *lines: str) -> Doc:
        for line in lines:
            self.lines.extend(line.split("\n"))
        return self

    def put(self, template: str, value: str, kind: str, is_secret: bool) -> Doc:
        """Add `template` with MARK replaced by `value`, labelling the value's lines."""
        line = len(self.lines) + template[: template.index(MARK)].count("\n") + 1
        self.labels.append(Label(line, line + value.count("\n"), kind, is_secret))
        return self.add(template.replace(MARK, value))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class Planter:
    """Hands out credential kinds so that every kind is planted, then again at random."""

    def __init__(self, rng: R) -> None:
        self.rng = rng
        self.queue: list[str] = []
        self.planted: set[str] = set()

    def kind(self) -> str:
        if not self.queue:
            self.queue = sorted(ENV_NAMES)
            self.rng.shuffle(self.queue)
        return self.queue.pop()

    def value(self, kind: str) -> str:
        self.planted.add(kind)
        return secret(self.rng, kind)

    def env(self, doc: Doc, template: str = "{name}=@@", kind: str | None = None) -> None:
        kind = kind or self.kind()
        doc.put(template.replace("{name}", ENV_NAMES[kind]), self.value(kind), kind, True)

    def leftovers(self, rng: R) -> Iterator[tuple[str, Doc]]:
        missing = sorted(set(ENV_NAMES) - self.planted)
        for start in range(0, len(missing), 4):
            doc = Doc("# migrated from the old CI settings")
            for kind in missing[start : start + 4]:
                self.env(doc, kind=kind)
            yield f"legacy/settings-{start // 4}.env", doc


Recipe = Callable[[R, Planter, str], list[tuple[str, Doc]]]


def env_files(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    example = Doc(f"# {service}: copy to .env and fill in")
    for _ in range(rng.randint(2, 4)):
        name = ENV_NAMES[planter.kind()]
        example.put(
            f"{name}=@@",
            decoy(rng, rng.choice(["placeholder", "placeholder-token"])),
            "placeholder",
            False,
        )
    real = Doc(f"# {service} production settings", *rng.sample(NOT_SECRET_ENV, 3))
    for _ in range(rng.randint(2, 4)):
        planter.env(real, rng.choice(["{name}=@@", 'export {name}="@@"', "{name}='@@'"]))
    real.add(rng.choice(NOT_SECRET_ENV))
    test = Doc("DATABASE_HOST=localhost")
    test.put("DATABASE_PASSWORD=@@", decoy(rng, "test-password"), "test-password", False)
    test.put(
        "DATABASE_URL=@@", "postgres://postgres:postgres@localhost:5432/test", "default-db", False
    )
    return [(".env.example", example), (".env.production", real), (".env.test", test)]


def compose(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    doc = Doc(
        "services:",
        "  db:",
        "    image: postgres:16",
        "    environment:",
        "      POSTGRES_USER: app",
    )
    if rng.random() < 0.5:
        doc.put("      POSTGRES_PASSWORD: @@", planter.value("generic-secret"), "password", True)
        password = None
    else:
        doc.put("      POSTGRES_PASSWORD: @@", "${POSTGRES_PASSWORD}", "template", False)
        password = planter.value("database-url-password")
    doc.add(f"  {service}:", f"    build: ./{service}", "    depends_on: [db]", "    environment:")
    if password:
        doc.put(
            f"      DATABASE_URL: postgres://app:@@@db:5432/{service}", password, "db-url", True
        )
    else:
        doc.put(
            "      DATABASE_URL: @@",
            "postgres://app:${POSTGRES_PASSWORD}@db:5432/app",
            "template",
            False,
        )
    planter.env(doc, "      {name}: @@")
    doc.add("      LOG_LEVEL: debug", "    ports:", '      - "8080:8080"')
    return [("docker-compose.yml", doc)]


def kubernetes(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    sec = Doc(
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        f"  name: {service}-credentials",
        "type: Opaque",
        "stringData:",
    )
    planter.env(sec, "  {name}: @@")
    sec.add("data:")
    sec.put(
        "  db-password: @@", b64_of(planter.value("generic-secret")), "k8s-base64-password", True
    )
    sec.put("  db-user: @@", b64_of("admin"), "k8s-base64-user", False)
    return [("k8s/secret.yaml", sec)]


def deployment(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    dep = Doc(
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        f"  name: {service}",
        "  annotations:",
    )
    dep.put("    deploy.example.com/revision: @@", commit_sha(rng), "commit-sha", False)
    dep.add("spec:", "  template:", "    spec:", "      containers:", f"        - name: {service}")
    dep.put(
        f"          image: registry.internal/{service}@sha256:@@",
        decoy(rng, "sha256"),
        "image-digest",
        False,
    )
    dep.add(
        "          env:",
        "            - name: DB_PASSWORD",
        "              valueFrom:",
        "                secretKeyRef:",
        f"                  name: {service}-credentials",
        "                  key: db-password",
    )
    if rng.random() < 0.5:
        kind = planter.kind()
        dep.add(f"            - name: {ENV_NAMES[kind]}")
        dep.put('              value: "@@"', planter.value(kind), kind, True)
    dep.add("            - name: REQUEST_ID_HEADER")
    dep.put("              value: @@", "X-Request-Id", "header-name", False)
    return [("k8s/deployment.yaml", dep)]


def terraform(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    main = Doc('provider "aws" {', '  region     = "eu-west-1"')
    if rng.random() < 0.4:
        main.put(
            '  access_key = "@@"', planter.value("aws-access-key-id"), "aws-access-key-id", True
        )
        main.put(
            '  secret_key = "@@"',
            planter.value("aws-secret-access-key"),
            "aws-secret-access-key",
            True,
        )
    else:
        main.put("  access_key = @@", "var.aws_access_key", "template", False)
        main.put("  secret_key = @@", "var.aws_secret_key", "template", False)
    main.add(
        "}",
        "",
        f'resource "aws_db_instance" "{service}" {{',
        '  engine   = "postgres"',
        f'  username = "{service}"',
    )
    main.put("  password = @@", "random_password.db.result", "reference", False)
    main.add("}", "", 'resource "aws_key_pair" "deployer" {', '  key_name   = "deployer"')
    main.put('  public_key = "@@"', ssh_public_key(rng), "ssh-public-key", False)
    main.add("}")
    variables = Doc('variable "api_token" {', "  type      = string", "  sensitive = true")
    variables.put('  default   = "@@"', "", "empty", False).add("}")
    tfvars = Doc(f'service = "{service}"')
    planter.env(tfvars, '{name} = "@@"')
    return [
        ("terraform/main.tf", main),
        ("terraform/variables.tf", variables),
        ("terraform/terraform.tfvars", tfvars),
    ]


def docker(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    doc = Doc("FROM python:3.12-slim", "ARG NPM_TOKEN", "WORKDIR /app")
    if rng.random() < 0.35:
        planter.env(doc, "ENV {name}=@@")
    doc.put("ENV PIP_INDEX_URL=@@", "https://pypi.internal/simple", "url", False)
    doc.add("COPY . .", 'CMD ["python", "-m", "app"]')
    return [("Dockerfile", doc)]


def ci(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    doc = Doc(
        "name: ci", "on: [push]", "jobs:", "  test:", "    runs-on: ubuntu-latest", "    env:"
    )
    doc.put("      GITHUB_TOKEN: @@", "${{ secrets.GITHUB_TOKEN }}", "template", False)
    doc.put("      SONAR_TOKEN: @@", "${{ secrets.SONAR_TOKEN }}", "template", False)
    doc.add(
        "    steps:", "      - uses: actions/checkout@" + commit_sha(rng), "      - run: make test"
    )
    if rng.random() < 0.5:
        hook = planter.value("slack-webhook-url")
        doc.put(
            "      - run: curl -X POST -d @msg.json https://hooks.slack.com/services/T04AB12CD/B05EF34GH/@@",
            hook,
            "slack-webhook-url",
            True,
        )
    return [(".github/workflows/ci.yml", doc)]


def registries(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    files = []
    npmrc = Doc("registry=https://registry.npmjs.org/")
    if rng.random() < 0.5:
        kind = rng.choice(["npmrc-auth-token", "npm-access-token"])
        npmrc.put("//npm.pkg.internal/:_authToken=@@", planter.value(kind), kind, True)
    else:
        npmrc.put("//registry.npmjs.org/:_authToken=@@", "${NPM_TOKEN}", "template", False)
    files.append((".npmrc", npmrc))
    if rng.random() < 0.4:
        pypirc = Doc("[distutils]", "index-servers = pypi", "", "[pypi]", "username = __token__")
        pypirc.put("password = @@", planter.value("pypi-upload-token"), "pypi-upload-token", True)
        files.append((".pypirc", pypirc))
    docker_cfg = Doc("{", '  "auths": {', '    "registry.internal.corp": {')
    if rng.random() < 0.5:
        docker_cfg.put(
            '      "auth": "@@"', planter.value("docker-config-auth"), "docker-config-auth", True
        )
    else:
        docker_cfg.put('      "auth": "@@"', b64_of("deploy:"), "docker-auth-empty", False)
    docker_cfg.add("    }", "  },", '  "credsStore": "desktop"', "}")
    files.append((".docker/config.json", docker_cfg))
    return files


def keys(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    files = []
    label = rng.choice(KEY_LABELS)
    kind = label.lower().replace(" ", "-")
    files.append((f"deploy/keys/{service}.pem", Doc().put("@@", pem(rng, label), kind, True)))
    planter.planted.add(kind)
    files.append(
        (
            "deploy/keys/server.crt",
            Doc().put("@@", public_pem(rng, "CERTIFICATE"), "certificate", False),
        )
    )
    files.append(
        ("deploy/keys/id_rsa.pub", Doc().put("@@", ssh_public_key(rng), "ssh-public-key", False))
    )
    files.append(("deploy/keys/signing.pub", Doc().put("@@", public_pem(rng), "public-key", False)))
    if rng.random() < 0.3:
        other = rng.choice(["openssh-private-key", "pgp-private-key", "putty-private-key"])
        value = secret(rng, other)
        files.append((f"deploy/keys/{other}.key", Doc().put("@@", value, other, True)))
    return files


def cloud_files(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    files = []
    if rng.random() < 0.4:
        # The key file as a whole is the credential: a report on any of its lines counts.
        doc = Doc().put("@@", service_account(rng), "gcp-service-account", True)
        files.append(("gcp/service-account.json", doc))
    local = Doc("{", '  "IsEncrypted": false,', '  "Values": {')
    if rng.random() < 0.5:
        key = planter.value("azure-storage-account-key")
        local.put(
            '    "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=acme;'
            'AccountKey=@@;EndpointSuffix=core.windows.net",',
            key,
            "azure-storage-account-key",
            True,
        )
    else:
        local.put(
            '    "AzureWebJobsStorage": "DefaultEndpointsProtocol=http;'
            'AccountName=devstoreaccount1;AccountKey=@@;",',
            AZURITE_KEY,
            "azurite-dev-key",
            False,
        )
    local.add('    "FUNCTIONS_WORKER_RUNTIME": "python"', "  }", "}")
    files.append(("local.settings.json", local))
    return files


def scripts(rng: R, planter: Planter, service: str) -> list[tuple[str, Doc]]:
    doc = Doc("#!/usr/bin/env bash", "set -euo pipefail", "")
    if rng.random() < 0.5:
        doc.put(
            "git push https://deploy:@@@git.internal.corp/acme/app.git main",
            planter.value("basic-auth-url"),
            "basic-auth-url",
            True,
        )
    else:
        doc.put(
            "git push https://x-access-token:@@@github.com/acme/app.git main",
            "${GITHUB_TOKEN}",
            "template",
            False,
        )
    if rng.random() < 0.4:
        sig = planter.value("azure-sas-token")
        doc.put(
            'curl -T backup.tar.gz "https://acmebackups.blob.core.windows.net/db/backup.tar.gz?sv=2022-11-02&ss=b&srt=o&sp=rwc&se=2030-12-31T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig=@@"',
            sig,
            "azure-sas-token",
            True,
        )
    doc.put(
        'curl -H "Authorization: Bearer @@" https://api.internal/health',
        "$API_TOKEN",
        "template",
        False,
    )
    return [("scripts/deploy.sh", doc)]


CONFIG_RECIPES: tuple[Recipe, ...] = (
    env_files,
    compose,
    kubernetes,
    deployment,
    terraform,
    docker,
    ci,
    registries,
    keys,
    cloud_files,
    scripts,
)
