package dev.medic.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medic.core.Evidence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Evidence} as the JSON object that the history file and the webhook body both carry:
 * {@code at}, {@code check}, {@code container}, {@code health_log}, {@code logs}, {@code host}. Stateless
 * and thread-safe.
 */
public final class EvidenceJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvidenceJson() {
    }

    /** Fills {@code into} with {@code e}. */
    public static void write(Evidence e, ObjectNode into) {
        into.put("at", e.at().toString());
        into.put("check", e.check());
        into.set("container", JSON.valueToTree(e.container()));
        into.set("health_log", JSON.valueToTree(e.healthLog()));
        into.set("logs", JSON.valueToTree(e.logTail()));
        into.set("host", JSON.valueToTree(e.host()));
    }

    /** Reads back what {@link #write} wrote; empty for an object without a check (no evidence). */
    public static Optional<Evidence> read(JsonNode n) {
        if (!n.has("check")) {
            return Optional.empty();
        }
        return Optional.of(new Evidence(Instant.parse(n.path("at").asText()), n.path("check").asText(),
                strings(n.path("container")), list(n.path("health_log")), list(n.path("logs")),
                strings(n.path("host"))));
    }

    private static Map<String, String> strings(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static List<String> list(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(item -> out.add(item.asText()));
        return out;
    }
}
