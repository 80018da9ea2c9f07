"""The site's cross-cutting web pieces: middleware, caching, limits, errors, permissions."""
