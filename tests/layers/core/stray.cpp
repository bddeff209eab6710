// Fixture of the layers_check_detects test: a file outside every layer's folder.
