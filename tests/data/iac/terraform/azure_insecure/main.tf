locals {
  location = "westeurope"
}

resource "azurerm_storage_account" "data" {
  name                            = "acmedata"
  resource_group_name             = "rg"
  location                        = local.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  https_traffic_only_enabled      = false
  min_tls_version                 = "TLS1_0"
  allow_nested_items_to_be_public = true
  public_network_access_enabled   = true
}

resource "azurerm_storage_container" "files" {
  name                  = "files"
  storage_account_name  = azurerm_storage_account.data.name
  container_access_type = "blob"
}

resource "azurerm_network_security_group" "web" {
  name                = "web"
  location            = local.location
  resource_group_name = "rg"

  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_rule" "rdp" {
  name                        = "rdp"
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_ranges     = ["443", "3389"]
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = azurerm_network_security_group.web.name
}

resource "azurerm_managed_disk" "data" {
  name                 = "data"
  location             = local.location
  resource_group_name  = "rg"
  storage_account_type = "Standard_LRS"
  create_option        = "Empty"
  disk_size_gb         = 10

  encryption_settings {
    enabled = false
  }
}

resource "azurerm_mssql_server" "sql" {
  name                          = "acme-sql"
  resource_group_name           = "rg"
  location                      = local.location
  version                       = "12.0"
  administrator_login           = "sqladmin"
  minimum_tls_version           = "1.0"
  public_network_access_enabled = true
}

resource "azurerm_mssql_firewall_rule" "all" {
  name             = "all"
  server_id        = azurerm_mssql_server.sql.id
  start_ip_address = "0.0.0.0"
  end_ip_address   = "255.255.255.255"
}

resource "azurerm_key_vault" "kv" {
  name                     = "acme-kv"
  location                 = local.location
  resource_group_name      = "rg"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = "standard"
  purge_protection_enabled = false

  network_acls {
    default_action = "Allow"
    bypass         = "AzureServices"
  }
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                              = "aks"
  location                          = local.location
  resource_group_name               = "rg"
  dns_prefix                        = "aks"
  role_based_access_control_enabled = false

  default_node_pool {
    name       = "default"
    node_count = 1
    vm_size    = "Standard_D2_v2"
  }
}

resource "azurerm_linux_web_app" "app" {
  name                = "acme-app"
  location            = local.location
  resource_group_name = "rg"
  service_plan_id     = "plan"
  https_only          = false

  site_config {
    minimum_tls_version = "1.0"
  }
}
