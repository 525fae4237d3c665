package dev.medic.core;

/** Syslog severities used by medic's events; the number is the journal priority. */
public enum Severity {
    ERR(3),
    WARNING(4),
    NOTICE(5),
    INFO(6),
    DEBUG(7);

    private final int priority;

    Severity(int priority) {
        this.priority = priority;
    }

    /** The syslog priority number written as the {@code <N>} line prefix. */
    public int priority() {
        return priority;
    }
}
