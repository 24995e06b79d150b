# Modelled on GoogleCloudPlatform/kubernetes-engine-samples' gke-stateful-postgres: a
# cluster module whose authorized networks come from a dynamic block over
# `length(var.master_authorized_networks) == 0 ? [] : [...]` (no networks given: no
# block), an override file, and a data source that looks the cluster up.

module "db" {
  source = "./modules/cluster"
  name   = "cluster-db1"
}

module "restricted" {
  source = "./modules/cluster"
  name   = "cluster-db2"
  master_authorized_networks = [
    { cidr_block = "10.0.0.0/8", display_name = "office" },
  ]
}

data "google_container_cluster" "db" {
  name     = "cluster-db1"
  location = "us-central1"
}
