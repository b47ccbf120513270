#!/bin/sh
# The container's entrypoint: which schoolbot process this container is.
#   web      the web process (webhook, pages), on 0.0.0.0:8000, without the worker
#   worker   a worker process
#   migrate  apply the database migrations once, then exit (compose runs it before web and worker)
#   anything else: a schoolbot command, e.g. `backup --out /backups/x.tar.gz`, `school list`
set -eu

command="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$command" in
    web)
        exec schoolbot serve --host 0.0.0.0 --port 8000 --no-worker "$@"
        ;;
    worker)
        exec schoolbot worker "$@"
        ;;
    migrate)
        exec schoolbot db upgrade "$@"
        ;;
    *)
        exec schoolbot "$command" "$@"
        ;;
esac
