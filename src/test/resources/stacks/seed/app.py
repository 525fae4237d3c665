"""The seed stack's web application: what a small Flask + gunicorn service behind nginx looks like.

/healthz answers 200 only when PostgreSQL and Redis both answer, 503 naming the one that does not.
A file named `hang` in $STATE_DIR makes /healthz sleep (a wedged worker), for the hang test. Like a real
wedge it is the process's state: a new process (the container restarted) starts without it. gunicorn
imports this module once, in its master (--preload), so a worker it replaces after a timeout stays wedged.
/rows writes (POST) and reads (GET) a table, so that a test can see the data outlive a restart.
"""
import os
import time

import psycopg2
import redis
from flask import Flask, jsonify, request

app = Flask(__name__)
DB_PORT = int(os.environ["DB_PORT"])
CACHE_PORT = int(os.environ["CACHE_PORT"])
STATE_DIR = os.environ.get("STATE_DIR", "/state")

try:
    os.remove(os.path.join(STATE_DIR, "hang"))
except FileNotFoundError:
    pass


def db():
    return psycopg2.connect(host="127.0.0.1", port=DB_PORT, user="postgres", dbname="postgres", connect_timeout=2)


@app.get("/healthz")
def healthz():
    if os.path.exists(os.path.join(STATE_DIR, "hang")):
        time.sleep(3600)
    problems = []
    try:
        with db() as conn, conn.cursor() as cur:
            cur.execute("SELECT 1")
        conn.close()
    except Exception as e:  # any failure to reach the database is the answer, not a crash
        problems.append("db: " + str(e).strip().splitlines()[0][:120])
    try:
        redis.Redis(host="127.0.0.1", port=CACHE_PORT, socket_timeout=2, socket_connect_timeout=2).ping()
    except Exception as e:
        problems.append("cache: " + str(e)[:120])
    if problems:
        return jsonify(status="unavailable", problems=problems), 503
    return jsonify(status="ok")


@app.route("/rows", methods=["GET", "POST"])
def rows():
    with db() as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS rows (id serial PRIMARY KEY, value text NOT NULL)")
        if request.method == "POST":
            cur.execute("INSERT INTO rows (value) VALUES (%s)", (request.get_data(as_text=True)[:200],))
        cur.execute("SELECT value FROM rows ORDER BY id")
        values = [r[0] for r in cur.fetchall()]
    conn.close()
    return jsonify(rows=values)
