#!/usr/bin/env bash
# Restore a dump made by ops/backup.sh into a PostgreSQL database.
#
#   ops/restore.sh --target postgres://user:password@host:5432/minipilot_restored FILE
#
# The target is never taken from DATABASE_URL: you name it, so a restore cannot overwrite the
# live database by accident. The target database must exist (createdb it first); what it holds
# of Minipilot's tables is dropped and replaced by the dump (pg_restore --clean --if-exists), in
# one transaction: on any error nothing is changed. Ownership is not restored (--no-owner): the
# tables belong to the user of the target URL. Needs pg_restore of the server's major version.
set -euo pipefail

usage() {
  echo "usage: $0 --target postgres://user@host:5432/database FILE" >&2
  exit 2
}

target=""
file=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --target)
      [[ $# -ge 2 ]] || usage
      target="$2"
      shift 2
      ;;
    --target=*)
      target="${1#--target=}"
      shift
      ;;
    -h | --help) usage ;;
    -*) usage ;;
    *)
      [[ -z "$file" ]] || usage
      file="$1"
      shift
      ;;
  esac
done

if [[ -z "$target" ]]; then
  echo "$0: refusing to restore without an explicit --target database URL" >&2
  usage
fi
case "$target" in
  postgres://* | postgresql://*) ;;
  *)
    echo "$0: --target is not a PostgreSQL URL" >&2
    exit 2
    ;;
esac
[[ -n "$file" ]] || usage
if [[ ! -r "$file" ]]; then
  echo "$0: cannot read the dump $file" >&2
  exit 2
fi

pg_restore --list "$file" >/dev/null
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
  --exit-on-error --dbname="$target" "$file"
echo "restored $file into the target database"
