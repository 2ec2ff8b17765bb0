#!/bin/sh
# Fill deploy/nginx.conf.template for compose.yaml and run nginx in the foreground.
# Every replica of the "app" service is one upstream server: Docker's DNS answers the
# name with all of their addresses when nginx starts (after scaling: restart nginx).
set -eu
run=/tmp/nginx
upstream=${CALCLAB_UPSTREAM:-app:8501}
mkdir -p "$run/client_body" "$run/proxy" "$run/fastcgi" "$run/uwsgi" "$run/scgi"
ln -sf /dev/stdout "$run/nginx-access.log"
ln -sf /dev/stderr "$run/nginx-error.log"
sed -e "s|@@RUN_DIR@@|$run|g" \
    -e "s|@@UPSTREAM_SERVERS@@|        server $upstream max_fails=3 fail_timeout=10s;|" \
    -e "s|@@LISTEN@@|        listen 8080;|" \
    -e "s|@@SERVER_NAME@@|${CALCLAB_SERVER_NAME:-_}|" \
    -e "s|@@COOKIE_FLAGS@@|${CALCLAB_COOKIE_FLAGS:-}|" \
    -e "s|@@EXTRA_SERVERS@@||" \
    /etc/calclab/nginx.conf.template > "$run/nginx.conf"
exec nginx -p "$run" -c "$run/nginx.conf" -e /dev/stderr -g "daemon off;"
