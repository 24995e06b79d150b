"""Container images: sources (archives, OCI layouts, registries), layers, and image facts.

Flow: a source (`sources.open_image` for archives and layouts, `registry.pull` for
references) gives an `Image` (manifest, config, layer blobs); `layers.walk_image` merges the
layers top-down (whiteouts, opaque dirs) and yields only the files a selector wants;
`inventory.inventory_of_image` turns those files into an Inventory plus `ImageFacts`.
"""
