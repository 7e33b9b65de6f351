"""Local services for development and tests: an OpenSearch node built from Maven Central jars,
a throwaway PostgreSQL server, and the `make run` / `make test` orchestration. Never imported by
the site itself."""
