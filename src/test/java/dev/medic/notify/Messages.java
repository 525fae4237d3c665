package dev.medic.notify;

import dev.medic.core.Evidence;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Incident messages for the notifier tests. */
final class Messages {
    static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");

    private Messages() {
    }

    static Evidence evidence() {
        return new Evidence(AT, "http 500 from http://127.0.0.1:8000/health",
                Map.of("status", "running", "exit_code", "0", "oom_killed", "false", "restarts", "2"),
                List.of("2026-11-23T09:59:50Z exit=1 curl: (22) 500"),
                List.of("GET /health 500", "Traceback: db connection refused"), Map.of("disk_used", "41%"));
    }

    static IncidentMessage open() {
        return new IncidentMessage("api-20261123T100000Z", IncidentMessage.State.OPEN, "api", "warning",
                "heal_started", "api: restart-container (attempt 1/3)",
                "medic is healing api: restart-container, step 1 attempt 1/3. Why: 3 consecutive failed checks",
                Optional.of(evidence()), AT, "vps1");
    }
}
