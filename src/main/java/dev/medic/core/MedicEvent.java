package dev.medic.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing that happened, as written to the journal:
 * {@code event=NAME target=T key=value ... msg="..."}.
 *
 * @param target the target's name, or null for host-wide events
 * @param fields extra key=value pairs in insertion order
 * @param evidence what medic saw before acting, on the events that open or escalate an incident
 *
 * Immutable.
 */
public record MedicEvent(EventType type, Severity severity, String target, Map<String, String> fields,
                         String message, Instant at, Optional<Evidence> evidence) {

    public MedicEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(at, "at");
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        Objects.requireNonNull(evidence, "evidence");
    }

    public MedicEvent(EventType type, Severity severity, String target, Map<String, String> fields, String message,
                      Instant at) {
        this(type, severity, target, fields, message, at, Optional.empty());
    }

    /** This event as of {@code when}, with {@code shownFields} instead of its fields (same order of keys). */
    public MedicEvent at(Instant when, Map<String, String> shownFields) {
        return new MedicEvent(type, severity, target, shownFields, message, when, evidence);
    }

    /**
     * This event with {@code redact} applied to its message and every field value (not to its name or
     * target, which medic itself chose): what a probe or a command printed can carry a secret.
     */
    public MedicEvent redacted(java.util.function.UnaryOperator<String> redact) {
        Map<String, String> shown = new LinkedHashMap<>();
        fields.forEach((k, v) -> shown.put(k, v == null ? null : redact.apply(v)));
        return new MedicEvent(type, severity, target, shown, redact.apply(message), at, evidence);
    }

    /** This event with {@code text} as its message. */
    public MedicEvent withMessage(String text) {
        return new MedicEvent(type, severity, target, fields, text, at, evidence);
    }

    /** This event at {@code level} instead of its own severity (a check_failed the journal need not show). */
    public MedicEvent withSeverity(Severity level) {
        return new MedicEvent(type, level, target, fields, message, at, evidence);
    }

    /** This event with {@code evidence} attached. */
    public MedicEvent withEvidence(Evidence evidence) {
        return new MedicEvent(type, severity, target, fields, message, at, Optional.of(evidence));
    }

    /** Fields from alternating keys and values, kept in that order: {@code fields("a", "1", "b", "2")}. */
    public static Map<String, String> fields(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return fields;
    }

    public static MedicEvent of(EventType type, String target, Map<String, String> fields, String message,
                                Instant at) {
        return new MedicEvent(type, type.defaultSeverity(), target, fields, message, at);
    }
}
