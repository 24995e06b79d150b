variable "name" {
  type = string
}

variable "master_authorized_networks" {
  type    = list(object({ cidr_block = string, display_name = string }))
  default = []
}

resource "google_container_cluster" "primary" {
  name                     = var.name
  location                 = "us-central1"
  remove_default_node_pool = true
  initial_node_count       = 1

  dynamic "master_authorized_networks_config" {
    for_each = var.master_authorized_networks
    content {
      cidr_blocks {
        cidr_block   = master_authorized_networks_config.value.cidr_block
        display_name = master_authorized_networks_config.value.display_name
      }
    }
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }

  network_policy {
    enabled = true
  }

  workload_identity_config {
    workload_pool = "acme-prod.svc.id.goog"
  }
}
