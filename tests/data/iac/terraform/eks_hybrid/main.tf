# Modelled on terraform-aws-modules/terraform-aws-eks: the module's default log types and
# the eks-hybrid-nodes example's instances (metadata service off, no root_block_device).

variable "enabled_log_types" {
  type    = list(string)
  default = ["audit", "api", "authenticator"]
}

resource "aws_eks_cluster" "this" {
  name                      = "hybrid"
  role_arn                  = "arn:aws:iam::123456789012:role/eks"
  enabled_cluster_log_types = var.enabled_log_types

  vpc_config {
    subnet_ids              = ["subnet-1", "subnet-2"]
    endpoint_private_access = true
    endpoint_public_access  = false
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = "arn:aws:kms:eu-west-1:123456789012:key/k"
    }
  }
}

resource "aws_instance" "hybrid_node" {
  for_each = { one = 0, two = 1 }

  ami           = "ami-12345678"
  instance_type = "m5.large"

  metadata_options {
    http_endpoint = "disabled"
  }
}
