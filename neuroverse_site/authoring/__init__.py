"""Changing the catalogue and the README as text: `add`, `import`, `readme`, `init`."""
