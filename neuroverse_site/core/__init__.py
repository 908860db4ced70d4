"""The catalogue core: the model, its diagnostics, the loader and the checks. Reads only
the catalogue and the files it names; imports nothing from `build` or `authoring`."""
