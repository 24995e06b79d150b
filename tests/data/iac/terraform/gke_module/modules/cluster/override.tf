# Terraform merges this into the cluster block of main.tf: it is not a cluster of its own.
resource "google_container_cluster" "primary" {
  min_master_version = "1.30"
}
