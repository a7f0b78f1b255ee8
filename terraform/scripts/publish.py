"""Upload a build (`dist/<version>/`) to the artifacts bucket under the keys Terraform reads.

The one definition of the keys is `terraform/modules/artifact_layout`; this
script follows it: the version goes in after the first path component.

    dist/<v>/lambdas/<fn>.zip           -> lambdas/<v>/<fn>.zip
    dist/<v>/jobs/glue/<job>.py         -> jobs/<v>/glue/<job>.py
    dist/<v>/jobs/emr/<job>.py          -> jobs/<v>/emr/<job>.py
    dist/<v>/jobs/emr/hive/<name>.hql   -> jobs/<v>/emr/hive/<name>.hql
    dist/<v>/wheel/<wheel>.whl          -> wheel/<v>/<wheel>.whl
    dist/<v>/sql/athena/<model>.sql     -> sql/<v>/athena/<model>.sql

boto3 takes the endpoint and credentials from the environment
(`AWS_ENDPOINT_URL` for the emulator), so the same script publishes to AWS.
Usage: `make publish ARTIFACTS_BUCKET=<bucket>` or
`python terraform/scripts/publish.py --dist dist/<v> --bucket <bucket>`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

KINDS: dict[str, tuple[str, ...]] = {
    # first component of the dist path -> the sub-paths (and suffixes) it may hold
    "lambdas": (".zip",),
    "jobs": (".py", ".hql"),
    "wheel": (".whl",),
    "sql": (".sql",),
}


class PublishError(RuntimeError):
    """The build folder does not look like `make build` output."""


def read_version(dist: Path) -> str:
    """The version `make build` wrote into `dist/<version>/VERSION` (else the folder name)."""
    marker = dist / "VERSION"
    return marker.read_text().strip() if marker.is_file() else dist.name


def artifact_keys(dist: Path, version: str) -> list[tuple[Path, str]]:
    """(file, S3 key) for every artifact of the build, sorted by key.

    `<kind>/<rest>` becomes `<kind>/<version>/<rest>`: exactly the keys of
    `modules/artifact_layout`. Files outside the known kinds (the VERSION
    marker) are not artifacts and are left out.
    """
    if not dist.is_dir():
        raise PublishError(f"{dist} does not exist: run `make build` first")
    if not version or "/" in version:
        raise PublishError(f"invalid artifact version {version!r}")
    pairs = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        kind, *rest = path.relative_to(dist).parts
        if kind in KINDS and rest and path.suffix in KINDS[kind]:
            pairs.append((path, "/".join([kind, version, *rest])))
    if not any(key.startswith("lambdas/") for _, key in pairs):
        raise PublishError(f"{dist} holds no lambdas/*.zip: is it a `make build` output?")
    return sorted(pairs, key=lambda pair: pair[1])


def publish(dist: Path, bucket: str, version: str | None = None,
            client: Any | None = None) -> list[str]:
    """Upload every artifact of `dist` to `bucket`; returns the keys written.

    Objects are plain PutObject calls: the bucket's default encryption (the
    lake CMK) applies, as for every writer of the artifacts bucket.
    """
    if client is None:
        import boto3

        client = boto3.client("s3")
    pairs = artifact_keys(dist, version or read_version(dist))
    for path, key in pairs:
        with path.open("rb") as body:
            client.put_object(Bucket=bucket, Key=key, Body=body)
    return [key for _, key in pairs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", required=True, type=Path, help="dist/<version> of `make build`")
    parser.add_argument("--bucket", required=True, help="artifacts bucket (terraform output)")
    parser.add_argument("--version", help="artifact version (default: dist/<v>/VERSION)")
    parser.add_argument("--dry-run", action="store_true", help="print the mapping only")
    args = parser.parse_args(argv)
    try:
        if args.dry_run:
            for path, key in artifact_keys(args.dist, args.version or read_version(args.dist)):
                print(f"{path} -> s3://{args.bucket}/{key}")
            return 0
        keys = publish(args.dist, args.bucket, args.version)
    except PublishError as exc:
        print(f"publish: {exc}", file=sys.stderr)
        return 2
    print(f"published {len(keys)} artifacts to s3://{args.bucket}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
