package dev.medic.engine;

import dev.medic.core.EventType;
import dev.medic.core.Evidence;
import dev.medic.core.MedicEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code evidence} journal line written right before a heal or give-up: Docker's facts and the host's
 * figures as fields, and a message with the failing check, the last HEALTHCHECK result and as many of the
 * newest log lines as fit in {@link #MAX_MESSAGE} characters (journald lines stay readable; the whole
 * evidence goes with the incident's notification). Stateless.
 */
final class EvidenceLine {
    static final int MAX_MESSAGE = 1500;
    private static final List<String> FACTS = List.of("status", "exit_code", "oom_killed", "restarts", "health",
            "error");

    private EvidenceLine() {
    }

    static MedicEvent of(String target, Evidence evidence) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String key : FACTS) {
            String value = evidence.container().get(key);
            if (value != null && !value.isEmpty()) {
                fields.put(key, value);
            }
        }
        fields.putAll(evidence.host());
        fields.put("log_lines", Integer.toString(evidence.logTail().size()));
        return MedicEvent.of(EventType.EVIDENCE, target, fields, message(evidence), evidence.at());
    }

    static String message(Evidence evidence) {
        StringBuilder head = new StringBuilder("check: ").append(evidence.check());
        if (!evidence.healthLog().isEmpty()) {
            head.append("; last healthcheck: ").append(evidence.healthLog().get(evidence.healthLog().size() - 1));
        }
        if (head.length() > MAX_MESSAGE) {
            return head.substring(0, MAX_MESSAGE) + "...";
        }
        List<String> logs = evidence.logTail();
        if (logs.isEmpty()) {
            return head.toString();
        }
        // The newest lines say most about why it failed: keep those that fit, counted from the end.
        int budget = MAX_MESSAGE - head.length() - 20;
        int from = logs.size();
        int used = 0;
        while (from > 0 && used + logs.get(from - 1).length() + 3 <= budget) {
            from--;
            used += logs.get(from).length() + 3;
        }
        if (from == logs.size()) {
            String last = logs.get(logs.size() - 1);
            return head + "; logs: ..." + last.substring(Math.max(0, last.length() - Math.max(0, budget)));
        }
        return head + "; logs: " + String.join(" | ", logs.subList(from, logs.size()));
    }
}
