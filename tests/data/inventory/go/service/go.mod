// The module of a small HTTP service.
module example.com/acme/service

go 1.22.1

toolchain go1.22.4

require github.com/google/uuid v1.6.0

require (
	github.com/gin-gonic/gin v1.9.1
	golang.org/x/net v0.21.0
	example.com/acme/shared v0.3.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/bytedance/sonic v1.10.2 // indirect
	golang.org/x/sys v0.17.0 // indirect; pulled in by x/net
	github.com/pelletier/go-toml/v2 v2.1.1 // indirect
)

exclude golang.org/x/net v0.20.0

replace (
	// Our fork carries a fix for the HTTP/2 rapid reset.
	golang.org/x/net v0.21.0 => github.com/acme/net v0.21.1-0.20240301101500-5d6e0f1b2a3c
	example.com/acme/shared => ../shared
)

replace gopkg.in/yaml.v3 => gopkg.in/yaml.v3 v3.0.2-0.20231010123456-abcdefabcdef

retract (
	v1.0.0 // published by mistake
	[v1.1.0, v1.1.3]
)
