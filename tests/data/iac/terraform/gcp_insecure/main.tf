variable "project" {
  default = "acme-prod"
}

resource "google_storage_bucket" "assets" {
  name     = "${var.project}-assets"
  location = "EU"
}

resource "google_storage_bucket_iam_member" "public" {
  bucket = google_storage_bucket.assets.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_storage_bucket_iam_binding" "authenticated" {
  bucket  = google_storage_bucket.assets.name
  role    = "roles/storage.objectViewer"
  members = ["allAuthenticatedUsers"]
}

resource "google_compute_firewall" "ssh" {
  name    = "allow-ssh"
  network = "default"

  allow {
    protocol = "tcp"
    ports    = ["22", "3380-3390"]
  }

  source_ranges = ["0.0.0.0/0"]
}

resource "google_compute_firewall" "all" {
  name    = "allow-all"
  network = "default"

  allow {
    protocol = "all"
  }

  source_ranges = ["0.0.0.0/0"]
}

resource "google_compute_disk" "data" {
  name = "data"
  zone = "europe-west1-b"
  size = 10
}

resource "google_compute_instance" "vm" {
  name         = "vm"
  machine_type = "e2-small"
  zone         = "europe-west1-b"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    network = "default"
    access_config {}
  }

  metadata = {
    serial-port-enable = "true"
  }
}

resource "google_sql_database_instance" "db" {
  name             = "db"
  database_version = "POSTGRES_15"
  region           = "europe-west1"

  settings {
    tier = "db-f1-micro"

    ip_configuration {
      ipv4_enabled = true

      authorized_networks {
        name  = "anywhere"
        value = "0.0.0.0/0"
      }
    }
  }
}

resource "google_container_cluster" "gke" {
  name               = "gke"
  location           = "europe-west1"
  enable_legacy_abac = true
  initial_node_count = 1

  master_auth {
    client_certificate_config {
      issue_client_certificate = true
    }
  }
}

resource "google_container_node_pool" "pool" {
  name    = "pool"
  cluster = google_container_cluster.gke.id

  management {
    auto_repair  = false
    auto_upgrade = false
  }
}

resource "google_project_iam_member" "public" {
  project = var.project
  role    = "roles/viewer"
  member  = "allUsers"
}

resource "google_container_node_pool" "ubuntu" {
  name    = "ubuntu"
  cluster = google_container_cluster.gke.id

  node_config {
    service_account = "nodes@acme-prod.iam.gserviceaccount.com"
    image_type      = "UBUNTU_CONTAINERD"

    workload_metadata_config {
      mode = "GCE_METADATA"
    }
  }
}

resource "google_container_cluster" "legacy" {
  name                     = "legacy"
  location                 = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1
  networking_mode          = "ROUTES"
  logging_service          = "none"

  master_authorized_networks_config {}

  network_policy {
    enabled = true
  }

  private_cluster_config {
    enable_private_nodes = true
  }

  workload_identity_config {
    workload_pool = "acme-prod.svc.id.goog"
  }
}

resource "google_dns_managed_zone" "public" {
  name     = "public"
  dns_name = "acme.example."
}

resource "google_project_iam_member" "ci_editor" {
  project = var.project
  role    = "roles/editor"
  member  = "serviceAccount:ci@acme-prod.iam.gserviceaccount.com"
}
