package dev.medic.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medic.core.Evidence;
import dev.medic.event.EvidenceJson;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One change of an incident, as told to every channel: it opened, it was updated (an action's outcome,
 * an escalation, a give-up), or it resolved. Its JSON form is the generic webhook's body of DESIGN.md §2
 * (plus {@code host} and {@code title}), and the form in which it waits in the spool. Immutable.
 *
 * @param incident the incident's id, the same in all its messages
 * @param state open, update or resolved
 * @param target the target's name, or null for a host-wide incident
 * @param severity warning or error: the worst the incident has been so far
 * @param event the journal event that caused this message
 * @param title one line for a chat or a subject
 * @param message what happened, in words
 * @param host the name of the server medic runs on
 */
public record IncidentMessage(String incident, State state, String target, String severity, String event,
                              String title, String message, Optional<Evidence> evidence, Instant at, String host) {

    /** The incident states of the webhook body. */
    public enum State {
        OPEN("open"), UPDATE("update"), RESOLVED("resolved");

        private final String wire;

        State(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static State fromWire(String s) {
            for (State state : values()) {
                if (state.wire.equals(s)) {
                    return state;
                }
            }
            throw new IllegalArgumentException("unknown incident state " + s);
        }
    }

    /** The webhook body. */
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("incident", incident);
        n.put("state", state.wire());
        if (target == null) {
            n.putNull("target");
        } else {
            n.put("target", target);
        }
        n.put("severity", severity);
        n.put("event", event);
        n.put("title", title);
        n.put("message", message);
        ObjectNode ev = n.putObject("evidence");
        evidence.ifPresent(e -> EvidenceJson.write(e, ev));
        n.put("at", at.toString());
        n.put("host", host);
        return n;
    }

    /** Reads back what {@link #toJson} wrote (from the spool). */
    public static IncidentMessage fromJson(JsonNode n) {
        Optional<Evidence> evidence = EvidenceJson.read(n.path("evidence"));
        return new IncidentMessage(n.path("incident").asText(), State.fromWire(n.path("state").asText()),
                n.path("target").isNull() || n.path("target").isMissingNode() ? null : n.path("target").asText(),
                n.path("severity").asText(), n.path("event").asText(), n.path("title").asText(),
                n.path("message").asText(), evidence, Instant.parse(n.path("at").asText()), n.path("host").asText());
    }

    /** The message as plain text for chat and mail: title, words, and the evidence. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(title).append('\n').append(message).append('\n');
        sb.append("incident ").append(incident).append(" · ").append(state.wire()).append(" · ").append(at)
                .append(" · host ").append(host).append('\n');
        evidence.ifPresent(e -> {
            sb.append("\nEvidence (").append(e.at()).append("):\n");
            sb.append("check: ").append(e.check()).append('\n');
            if (!e.container().isEmpty()) {
                sb.append("container: ").append(pairs(e.container())).append('\n');
            }
            if (!e.host().isEmpty()) {
                sb.append("host: ").append(pairs(e.host())).append('\n');
            }
            if (!e.healthLog().isEmpty()) {
                sb.append("healthcheck log:\n");
                e.healthLog().forEach(l -> sb.append("  ").append(l).append('\n'));
            }
            if (!e.logTail().isEmpty()) {
                sb.append("last ").append(e.logTail().size()).append(" log lines:\n");
                e.logTail().forEach(l -> sb.append("  ").append(l).append('\n'));
            }
        });
        return sb.toString();
    }

    private static String pairs(Map<String, String> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }
}
