variable "db_public" {
  type    = bool
  default = false
}

module "logs" {
  source = "./modules/bucket"
  name   = "acme-logs"
  acl    = "public-read"
}

module "private" {
  source = "./modules/bucket"
  name   = "acme-private"
}

module "disabled" {
  source = "./modules/bucket"
  count  = 0
  name   = "never"
  acl    = "public-read-write"
}

module "remote" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "~> 4.0"
}

resource "aws_db_instance" "main" {
  identifier              = "main"
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  storage_encrypted       = true
  deletion_protection     = true
  publicly_accessible     = var.db_public # garrison:ignore[GAR-TF-AWS-999] not this one
}
