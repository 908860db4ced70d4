"""From a checked catalogue to a site's content: notebooks, PDFs, templates, the cache and
the batch that renders them. Knows nothing of MkDocs."""
