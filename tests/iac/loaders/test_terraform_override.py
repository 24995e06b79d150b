"""Override files: merged into the blocks they override, as Terraform merges them."""

from __future__ import annotations

from garrison.iac.loaders import terraform
from garrison.iac.loaders.terraform_override import is_override
from garrison.iac.model import Span

MAIN = b"""\
variable "env" {
  default = "dev"
}
locals {
  region = "us-central1"
  zone   = "us-central1-a"
}
resource "google_container_cluster" "primary" {
  name     = "db-${var.env}"
  location = local.region
  network_policy {
    enabled = false
  }
  addons_config {
    http_load_balancing {
      disabled = true
    }
  }
  node_config {
    image_type = "COS_CONTAINERD"
  }
  node_config {
    image_type = "UBUNTU"
  }
}
"""
# Modelled on gke-stateful-postgres' beta-autopilot-private-cluster/override.tf.
OVERRIDE = b"""\
variable "env" {
  default = "prod"
}
locals {
  region = "europe-west1"
}
resource "google_container_cluster" "primary" {
  min_master_version = "1.30"
  network_policy {
    enabled = true
  }
  dynamic "node_config" {
    for_each = ["one"]
    content {
      image_type = "COS"
    }
  }
}
"""


def test_override_file_names() -> None:
    assert is_override("modules/cluster/override.tf")
    assert is_override("db_override.tf")
    assert not is_override("overrides.tf")
    assert not is_override("override.tfvars")


def test_blocks_are_merged_into_the_original() -> None:
    result = terraform.load_tree({"c/main.tf": MAIN, "c/override.tf": OVERRIDE})
    assert result.warnings == ()
    (cluster,) = result.resources
    assert (cluster.name, cluster.file, cluster.span) == (
        "google_container_cluster.primary",
        "c/main.tf",
        Span(8, 25),
    )
    doc = cluster.doc
    assert doc["name"] == "db-prod"  # the variable's default is overridden
    assert doc["location"] == "europe-west1"  # a local is overridden by name
    assert doc["min_master_version"] == "1.30"  # a new argument
    assert doc["network_policy"] == [{"enabled": True}]  # a nested block replaced whole
    assert doc["node_config"] == [{"image_type": "COS"}]  # every block of the type
    assert doc["addons_config"] == [{"http_load_balancing": [{"disabled": True}]}]
    # parts from the override file have no lines in main.tf: findings point at the block
    assert ("network_policy",) not in cluster.spans
    assert cluster.span_of(("network_policy", 0, "enabled")) == Span(8, 25)
    assert cluster.spans[("addons_config", 0, "http_load_balancing")] == Span(15, 17)


def test_override_files_apply_in_name_order() -> None:
    later = b'resource "google_container_cluster" "primary" {\n  min_master_version = "1.31"\n}\n'
    files = {"main.tf": MAIN, "z_override.tf": later, "override.tf": OVERRIDE}
    (cluster,) = terraform.load_tree(files).resources
    assert cluster.doc["min_master_version"] == "1.31"


def test_an_override_without_its_block_is_a_warning_not_a_resource() -> None:
    orphan = b'\nresource "google_container_cluster" "other" {\n  name = "x"\n}\n'
    result = terraform.load_tree({"main.tf": MAIN, "override.tf": orphan})
    assert [r.name for r in result.resources] == ["google_container_cluster.primary"]
    (warning,) = result.warnings
    assert (warning.source, warning.line) == ("override.tf", 2)
    assert warning.message == (
        'line 2: override resource "google_container_cluster" "other" matches no block '
        "of the module (not merged)"
    )


def test_module_calls_and_count_are_overridden() -> None:
    root = b'module "app" {\n  source = "./app"\n  acl    = "private"\n}\n'
    root_override = b'module "app" {\n  acl = "public-read"\n}\n'
    app = b'variable "acl" {}\nresource "aws_s3_bucket" "b" {\n  count = 1\n  acl = var.acl\n}\n'
    app_override = b'resource "aws_s3_bucket" "b" {\n  count = 0\n}\n'
    files = {"main.tf": root, "override.tf": root_override, "app/main.tf": app}
    (bucket,) = terraform.load_tree(files).resources
    assert bucket.name == "module.app.aws_s3_bucket.b[0]"
    assert bucket.doc["acl"] == "public-read"
    assert terraform.load_tree({**files, "app/override.tf": app_override}).resources == ()
