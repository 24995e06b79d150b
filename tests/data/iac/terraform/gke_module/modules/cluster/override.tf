# Terraform merges this into the cluster block of main.tf: it is not a cluster of its
# own, and its network_policy block replaces main.tf's.
resource "google_container_cluster" "primary" {
  min_master_version = "1.30"
  network_policy {
    enabled = true
  }
}
