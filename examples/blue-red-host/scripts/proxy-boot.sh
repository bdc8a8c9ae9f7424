#!/bin/sh
# Runs once, at the first boot of the proxy host (Vultr startup script, type boot).
set -eu
apt-get update
apt-get install -y nginx git
id deploy >/dev/null 2>&1 || useradd --create-home --shell /bin/sh deploy
install -d -o deploy -m 700 /home/deploy/.ssh
cp /root/.ssh/authorized_keys /home/deploy/.ssh/authorized_keys
chown deploy /home/deploy/.ssh/authorized_keys
