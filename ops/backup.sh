#!/usr/bin/env bash
# Back up Minipilot's PostgreSQL database to one file (pg_dump's custom format, compressed).
#
#   DATABASE_URL=postgres://user:password@host:5432/minipilot ops/backup.sh [FILE]
#
# Without FILE the dump goes to backups/minipilot-<UTC timestamp>.dump. The file is written
# under a temporary name, checked to be a readable archive, and only then given its name, so a
# dump that exists is a whole dump. Prints the file's path. Needs pg_dump and pg_restore of the
# server's major version (package postgresql-client). Uploaded files are not in the database:
# back up MEDIA_ROOT too (docs/operations.md, "Backup and restore").
set -euo pipefail

usage() {
  echo "usage: DATABASE_URL=postgres://... $0 [FILE]" >&2
  exit 2
}

[[ $# -le 1 ]] || usage
[[ "${1:-}" != "-h" && "${1:-}" != "--help" ]] || usage
if [[ -z "${DATABASE_URL:-}" ]]; then
  echo "$0: set DATABASE_URL to the database to back up" >&2
  exit 2
fi
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *)
    echo "$0: DATABASE_URL is not a PostgreSQL URL" >&2
    exit 2
    ;;
esac

target="${1:-backups/minipilot-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$target")"
partial="$target.partial"
trap 'rm -f "$partial"' EXIT

# Personal data: the dump is readable by its owner only.
umask 077
pg_dump --format=custom --compress=6 --dbname="$DATABASE_URL" --file="$partial"
pg_restore --list "$partial" >/dev/null
mv "$partial" "$target"
trap - EXIT
echo "$target"
