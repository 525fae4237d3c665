package dev.medic.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medic.core.MedicEvent;
import dev.medic.notify.IncidentMessage.State;
import dev.medic.state.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the stream of journal events into incidents (DESIGN.md §2): one incident per target from its
 * first heal or give-up (for a watch-only target, from the check that reaches the threshold) until it
 * recovers, and host-wide ones for a host storm and for Docker unreachable. A restart loop that Docker's own
 * restart policy keeps up ({@code restart_loop} to {@code restart_loop_ended}) is an incident of its own beside
 * the target's: medic heals nothing for it, and a heal and its recovery neither end it nor are ended by it.
 * It says one message when an
 * incident opens, one per update (an action's outcome, an escalation with the action it leads to, a
 * give-up) and one when it resolves, never one per check.
 *
 * <p>Open incidents are kept in a small file next to the state file, so that an incident that opened
 * before a medic restart still resolves with the same id after it. Thread-safe (synchronised).
 */
public final class IncidentTracker {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentTracker.class);
    static final String HOST_BUDGET = "host-budget";
    static final String DOCKER = "docker";
    /** Appended to a target's name for its restart-loop incident (a target name cannot hold a colon). */
    static final String RESTART_LOOP = ":restart-loop";
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** One open incident. {@code until}: when a host storm ends by itself. */
    private record Open(String id, Instant openedAt, String severity, Instant until, int actions) {
        Open worse(String s) {
            return new Open(id, openedAt, "error".equals(s) ? s : severity, until, actions);
        }

        Open acted() {
            return new Open(id, openedAt, severity, until, actions + 1);
        }
    }

    private final Optional<Path> file;
    private final Predicate<String> healable;
    private final String host;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Open> open = new LinkedHashMap<>();
    /** An escalation said just before the heal it leads to: told together with it. */
    private final Map<String, MedicEvent> pendingEscalation = new LinkedHashMap<>();

    /**
     * @param file where open incidents are kept across restarts; empty keeps them in memory
     * @param healable whether a target is healed at all (false for watch-only targets)
     * @param host this server's name, in every message
     */
    public IncidentTracker(Optional<Path> file, Predicate<String> healable, String host) {
        this.file = file;
        this.healable = healable;
        this.host = host;
        load();
    }

    /** The messages {@code e} causes; usually none. */
    public synchronized List<IncidentMessage> onEvent(MedicEvent e) {
        List<IncidentMessage> out = new ArrayList<>();
        String t = e.target();
        switch (e.type()) {
            case HEAL_STARTED -> {
                Open inc = open.get(t);
                String action = e.fields().getOrDefault("action", "heal");
                String attempt = e.fields().getOrDefault("attempt", "");
                if (inc == null) {
                    inc = opened(t, "warning", e.at(), null);
                    out.add(message(inc, State.OPEN, t, e, t + ": " + action + " (attempt " + attempt + ")",
                            "medic is healing " + t + ": " + action + ", step " + e.fields().getOrDefault("step", "?")
                                    + " attempt " + attempt + ". Why: " + e.message()));
                } else {
                    MedicEvent escalation = pendingEscalation.remove(t);
                    if (escalation != null) {
                        out.add(message(inc, State.UPDATE, t, e, t + ": escalated to " + action,
                                escalation.message() + ". Why: " + e.message()));
                    }
                }
                open.put(t, open.get(t).acted());
            }
            case ESCALATED -> {
                if (open.containsKey(t)) {
                    pendingEscalation.put(t, e);
                }
            }
            case HEAL_FINISHED -> {
                Open inc = open.get(t);
                // An action called off before it ran changed nothing: nothing to tell, nothing to count.
                if (inc != null && !"cancelled".equals(e.fields().get("outcome"))) {
                    boolean ok = "ok".equals(e.fields().get("outcome"));
                    inc = ok ? inc : inc.worse("error");
                    open.put(t, inc);
                    out.add(message(inc, State.UPDATE, t, e, t + ": " + e.fields().getOrDefault("action", "action")
                            + (ok ? " done" : " FAILED"), e.message()
                            + (ok ? "; medic checks whether it helped" : "")));
                }
            }
            case GAVE_UP -> {
                Open inc = open.get(t);
                String title = t + ": medic gave up";
                if (inc == null) {
                    inc = opened(t, "error", e.at(), null);
                    out.add(message(inc, State.OPEN, t, e, title, e.message() + ". It needs a person."));
                } else {
                    inc = inc.worse("error");
                    open.put(t, inc);
                    out.add(message(inc, State.UPDATE, t, e, title, e.message() + ". It needs a person."));
                }
            }
            case CHECK_FAILED -> {
                if (!open.containsKey(t) && t != null && !healable.test(t) && reachesThreshold(e)) {
                    Open inc = opened(t, "warning", e.at(), null);
                    out.add(message(inc, State.OPEN, t, e, t + ": failing",
                            t + " fails its checks (" + e.fields().get("failures") + "): " + e.message()
                                    + ". medic watches it only and does not heal it."));
                }
            }
            case RECOVERED -> out.addAll(resolve(t, e, t + ": recovered", e.message()
                    + (open.containsKey(t) && open.get(t).actions() > 0
                    ? " (after " + open.get(t).actions() + " action" + (open.get(t).actions() == 1 ? "" : "s") + ")"
                    : "")));
            case OPERATOR_STOPPED -> out.addAll(resolve(t, e, t + ": stopped by an operator",
                    "An operator stopped " + t + " through Docker (" + e.fields().getOrDefault("by", "stop")
                            + "); medic leaves it alone and closes the incident."));
            case HOST_STORM -> {
                if (!open.containsKey(HOST_BUDGET)) {
                    Instant until = Optional.ofNullable(e.fields().get("until")).map(Instant::parse).orElse(e.at());
                    Open inc = opened(HOST_BUDGET, "error", e.at(), until);
                    out.add(message(inc, State.OPEN, null, e, "host storm: healing suspended", e.message()));
                }
            }
            case DOCKER_UNREACHABLE -> {
                if (!open.containsKey(DOCKER)) {
                    Open inc = opened(DOCKER, "error", e.at(), null);
                    out.add(message(inc, State.OPEN, null, e, "Docker is unreachable", e.message()
                            + ". medic cannot check or heal containers until it answers."));
                }
            }
            case DOCKER_REACHABLE -> out.addAll(resolve(DOCKER, e, "Docker answers again", e.message()));
            case RESTART_LOOP -> {
                if (t != null && !open.containsKey(t + RESTART_LOOP)) {
                    Open inc = opened(t + RESTART_LOOP, "warning", e.at(), null);
                    out.add(message(inc, State.OPEN, t, e, t + ": restart loop", e.message()
                            + ". medic takes no action for it; the incident resolves once Docker has not restarted"
                            + " the container for " + e.fields().getOrDefault("window", "a whole window") + "."));
                }
            }
            case RESTART_LOOP_ENDED -> {
                if (t != null) {
                    out.addAll(resolve(t + RESTART_LOOP, e, t + ": restart loop over", e.message()));
                }
            }
            default -> { }
        }
        if (!out.isEmpty()) {
            save();
        }
        return out;
    }

    /** Resolves a host storm whose window has passed: healing goes on again by itself, with no event to say so. */
    public synchronized List<IncidentMessage> onTime(Instant now) {
        Open storm = open.get(HOST_BUDGET);
        if (storm == null || storm.until() == null || now.isBefore(storm.until())) {
            return List.of();
        }
        open.remove(HOST_BUDGET);
        save();
        return List.of(new IncidentMessage(storm.id(), State.RESOLVED, null, storm.severity(), "host_storm",
                "host storm over: healing resumes", "The host budget's window has passed; medic heals again.",
                Optional.empty(), now, host));
    }

    /** The ids of the incidents open now, by target (or host-budget / docker, or TARGET:restart-loop). */
    public synchronized Map<String, String> openIncidents() {
        Map<String, String> ids = new LinkedHashMap<>();
        open.forEach((k, v) -> ids.put(k, v.id()));
        return ids;
    }

    private List<IncidentMessage> resolve(String key, MedicEvent e, String title, String text) {
        Open inc = open.remove(key);
        pendingEscalation.remove(key);
        if (inc == null) {
            return List.of();
        }
        String target = key.equals(DOCKER) || key.equals(HOST_BUDGET) ? null
                : key.endsWith(RESTART_LOOP) ? key.substring(0, key.length() - RESTART_LOOP.length()) : key;
        return List.of(message(inc, State.RESOLVED, target, e, title, text));
    }

    private Open opened(String key, String severity, Instant at, Instant until) {
        Open inc = new Open(key + "-" + ID_TIME.format(at), at, severity, until, 0);
        open.put(key, inc);
        return inc;
    }

    private IncidentMessage message(Open inc, State state, String target, MedicEvent e, String title, String text) {
        if ("true".equals(e.fields().get("dry_run"))) {
            // In dry-run nothing is changed: say what medic would have done, not that it did it.
            title = "[dry-run] " + title;
            text = "dry-run, nothing was changed: " + e.message();
        }
        return new IncidentMessage(inc.id(), state, target, inc.severity(), e.type().eventName(), title, text,
                e.evidence(), e.at(), host);
    }

    private static boolean reachesThreshold(MedicEvent e) {
        String[] parts = e.fields().getOrDefault("failures", "").split("/");
        try {
            return parts.length == 2 && Integer.parseInt(parts[0]) >= Integer.parseInt(parts[1]);
        } catch (NumberFormatException ex) {
            return false;
        }
    }

    private void load() {
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            return;
        }
        try {
            JsonNode root = json.readTree(file.get().toFile());
            root.path("open").fields().forEachRemaining(entry -> {
                JsonNode n = entry.getValue();
                open.put(entry.getKey(), new Open(n.path("id").asText(), Instant.parse(n.path("opened_at").asText()),
                        n.path("severity").asText("warning"),
                        n.hasNonNull("until") ? Instant.parse(n.path("until").asText()) : null,
                        n.path("actions").asInt()));
            });
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the open incidents from {} ({}); incidents start afresh", file.get(), e.toString());
            open.clear();
        }
    }

    private void save() {
        if (file.isEmpty()) {
            return;
        }
        ObjectNode root = json.createObjectNode();
        ObjectNode all = root.putObject("open");
        open.forEach((key, inc) -> {
            ObjectNode n = all.putObject(key);
            n.put("id", inc.id());
            n.put("opened_at", inc.openedAt().toString());
            n.put("severity", inc.severity());
            n.put("until", inc.until() == null ? null : inc.until().toString());
            n.put("actions", inc.actions());
        });
        try {
            AtomicFiles.write(file.get(), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            LOG.warn("cannot keep the open incidents in {}: {}", file.get(), e.toString());
        }
    }
}
