#!/usr/bin/env bash
# Build the real image from the Dockerfile and run its processes, on a machine that has no Docker
# engine and no access to Docker Hub (our CI machine): the base image `python:3.11-slim-bookworm`
# is stood in for by Debian bookworm made with debootstrap (the same Debian release and Python
# 3.11 as the official image), the Dockerfile is built unchanged by podman (daemonless), and the
# image's file system is then run with chroot as the image's own user, because `podman run` is
# refused inside this VM (crun cannot set RLIMIT_NPROC). What it shows and what it cannot:
# docs/production.md, "The image, checked without Docker".
#
# Needs root, about 4 GB of disk and the Debian and PyPI registries; takes 10-20 minutes.
# Not part of `make test` (too slow, needs root): run it by hand after changing the Dockerfile.
#   sudo docker/drill-without-docker.sh
# Settings: DATABASE_URL (an empty scratch database is created next to it), REDIS_URL, PORT.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_SERVER=${PG_SERVER:-postgresql://postgres@127.0.0.1:5432}
DRILL_DB=schoolbot_image_drill
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/9}
PORT=${PORT:-8765}
WORK=${WORK:-/var/tmp/schoolbot-image-drill}
BASE=localhost/python:3.11-slim-bookworm
IMAGE=localhost/schoolbot:drill
PODMAN=(podman --storage-driver vfs)

need() { command -v "$1" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; }; }
need podman podman
need debootstrap debootstrap
step() { printf '\n== %s\n' "$*"; }

step "base image stand-in: Debian bookworm with Python 3.11 as 'python'"
if ! "${PODMAN[@]}" image exists "$BASE"; then
    rm -rf "$WORK/rootfs" && mkdir -p "$WORK"
    debootstrap --variant=minbase --include=python3.11,python3.11-venv,python3-pip,ca-certificates \
        bookworm "$WORK/rootfs" http://deb.debian.org/debian
    ln -sf /usr/bin/python3.11 "$WORK/rootfs/usr/local/bin/python"
    # This machine's own TLS authorities (a proxy in front of the registries), so that pip and apt
    # inside the build reach them as the host does; the Dockerfile itself is not changed.
    cp /usr/local/share/ca-certificates/*.crt "$WORK/rootfs/usr/local/share/ca-certificates/" 2>/dev/null || true
    chroot "$WORK/rootfs" update-ca-certificates >/dev/null
    rm -f "$WORK"/rootfs/var/cache/apt/archives/*.deb
    tar -C "$WORK/rootfs" -c . | "${PODMAN[@]}" import - "$BASE"
fi

step "podman build of the unchanged Dockerfile"
"${PODMAN[@]}" build --format docker --isolation chroot --network host \
    --build-arg PYTHON_IMAGE="$BASE" -t "$IMAGE" .
"${PODMAN[@]}" image inspect "$IMAGE" --format 'user {{.Config.User}}, entrypoint {{.Config.Entrypoint}} {{.Config.Cmd}}, healthcheck {{.Config.Healthcheck.Test}}'

ROOT=$("${PODMAN[@]}" image mount "$IMAGE")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 1
    umount "$ROOT/proc" "$ROOT/dev" 2>/dev/null || true
    "${PODMAN[@]}" image unmount "$IMAGE" >/dev/null || true
}
trap cleanup EXIT
mount --bind /proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"

psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DRILL_DB" -c "CREATE DATABASE $DRILL_DB"
# The image's environment (Dockerfile ENV), its user and working directory, as a container has them.
in_image() {
    env -i PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 DATA_DIR=/var/lib/schoolbot/data LOG_FORMAT=json \
        HOME=/var/lib/schoolbot PUBLIC_BASE_URL="http://127.0.0.1:$PORT" \
        DATABASE_URL="$PG_SERVER/$DRILL_DB" REDIS_URL="$REDIS_URL" \
        chroot --userspec=10001:10001 "$ROOT" sh -c 'cd /var/lib/schoolbot && exec "$@"' sh "$@"
}

step "contents: the user, no compilers, Thai fonts, the environment's size"
in_image id
if in_image sh -c 'command -v gcc || command -v cc || command -v make'; then echo "FAIL: a build tool in the image"; exit 1; fi
echo "no compilers"
test "$(in_image fc-list | grep -ci tlwg)" -gt 0 && echo "Thai fonts (TLWG) present"
in_image du -sh /opt/venv

step "entrypoint: migrate, demo school, web and worker, a parent's chat, a backup"
in_image schoolbot-entrypoint migrate
in_image schoolbot-entrypoint demo
in_image schoolbot-entrypoint web --port "$PORT" > "$WORK/web.log" 2>&1 & pids+=($!)
in_image schoolbot-entrypoint worker > "$WORK/worker.log" 2>&1 & pids+=($!)
start=$(date +%s.%N)
for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")" = 200 ] && break
    sleep 0.5
done
printf '/readyz 200 after %.1f s: %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$(curl -s "http://127.0.0.1:$PORT/readyz")"
sim="http://127.0.0.1:$PORT/sim/api/users"
user=$(curl -s -X POST "$sim" -H 'content-type: application/json' -d '{}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["userId"])')
curl -s -X POST "$sim/$user/follow" >/dev/null
curl -s -X POST "$sim/$user/text" -H 'content-type: application/json' -d '{"text":"สมัครเรียน ป.1"}' >/dev/null
for _ in $(seq 1 120); do
    replies=$(curl -s "$sim/$user/timeline" | python3 -c 'import json,sys; print(sum(1 for m in json.load(sys.stdin)["items"] if m.get("from") == "bot"))')
    [ "$replies" -ge 2 ] && break
    sleep 0.5
done
[ "$replies" -ge 2 ] || { echo "FAIL: the worker did not answer the parent"; exit 1; }
echo "the parent got $replies answers from the worker (web -> Redis -> worker -> LINE stand-in)"
in_image schoolbot-entrypoint backup --out /backups/drill.tar
echo "PASS"
