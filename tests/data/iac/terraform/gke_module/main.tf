# Modelled on GoogleCloudPlatform/kubernetes-engine-samples' gke-stateful-postgres: a
# cluster module whose authorized networks come from a dynamic block (no networks given:
# no block), an override file, and a data source that looks the cluster up.

module "db" {
  source = "./modules/cluster"
  name   = "cluster-db1"
}

data "google_container_cluster" "db" {
  name     = "cluster-db1"
  location = "us-central1"
}
