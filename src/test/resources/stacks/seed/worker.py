"""The seed stack's worker: a queue consumer, as a Celery worker is one. It takes jobs from the Redis list
`jobs` and appends their results to `done`; while Redis is away it waits and connects again."""
import os
import time

import redis

r = redis.Redis(host="127.0.0.1", port=int(os.environ["CACHE_PORT"]), socket_timeout=5, socket_connect_timeout=2)
print("worker: waiting for jobs", flush=True)
while True:
    try:
        job = r.blpop("jobs", timeout=2)
        if job is not None:
            r.rpush("done", b"done:" + job[1])
    except redis.exceptions.RedisError as e:
        print("worker: redis unavailable (%s); retrying" % e, flush=True)
        time.sleep(1)
