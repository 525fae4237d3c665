#!/bin/sh
# nginx in the foreground on 127.0.0.1:$WEB_PORT, proxying to the app on $APP_PORT: 502 while the app is
# down, 504 after 5 s while it hangs.
set -e
sed -e "s/@WEB_PORT@/$WEB_PORT/g" -e "s/@APP_PORT@/$APP_PORT/g" /stack/nginx.conf > /tmp/nginx.conf
exec nginx -c /tmp/nginx.conf -g 'daemon off;'
