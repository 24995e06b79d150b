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

# node_groups.tf: the recommended node security group rules, merged by a `for`
# expression and created by a `for_each` over another one (Trivy AWS-0104).
variable "node_security_group_enable_recommended_rules" {
  type    = bool
  default = true
}

variable "node_security_group_additional_rules" {
  type    = any
  default = {}
}

locals {
  create_node_sg = true
  node_security_group_recommended_rules = { for k, v in {
    ingress_nodes_ephemeral = {
      description = "Node to node ingress on ephemeral ports"
      protocol    = "tcp"
      from_port   = 1025
      to_port     = 65535
      type        = "ingress"
      self        = true
    }
    egress_all = {
      description = "Allow all egress"
      protocol    = "-1"
      from_port   = 0
      to_port     = 0
      type        = "egress"
      cidr_blocks = ["0.0.0.0/0"]
    }
  } : k => v if var.node_security_group_enable_recommended_rules }
}

resource "aws_security_group" "node" {
  count  = local.create_node_sg ? 1 : 0
  name   = "node"
  vpc_id = "vpc-1"
}

resource "aws_security_group_rule" "node" {
  for_each = { for k, v in merge(
    local.node_security_group_recommended_rules,
    var.node_security_group_additional_rules,
  ) : k => v if local.create_node_sg }

  security_group_id = aws_security_group.node[0].id
  protocol          = each.value.protocol
  from_port         = each.value.from_port
  to_port           = each.value.to_port
  type              = each.value.type
  description       = try(each.value.description, null)
  cidr_blocks       = try(each.value.cidr_blocks, null)
  self              = try(each.value.self, null)
}
