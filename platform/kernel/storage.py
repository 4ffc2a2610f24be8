"""S3 storage that keeps each tenant's files under its own prefix."""

from storages.backends.s3 import S3Storage

from kernel.schema import current_schema


class TenantS3Storage(S3Storage):
    """Files go to `<schema>/<name>` in the bucket, decided at each call, not at start-up."""

    @property
    def location(self) -> str:
        return current_schema()

    @location.setter
    def location(self, value: str) -> None:
        # S3Storage.__init__ assigns `location`; the schema decides it instead.
        pass
