"""Inventory: what is locked or installed in a target, as Components (an SBOM's content).

`collect.inventory_of_tree(root)` walks a directory (fs.walk), hands each file to the reader
that claims it (readers.READERS) and assembles one Inventory with global bom-refs.
"""
