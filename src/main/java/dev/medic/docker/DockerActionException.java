package dev.medic.docker;

/**
 * Docker answered but refused an action (e.g. the container vanished during a restart), or did not
 * finish it within the call's bound while it may still be carrying it out ({@link #timedOut()}): a slow
 * action, not an unreachable Docker. Immutable.
 */
public final class DockerActionException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean timedOut;

    public DockerActionException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public DockerActionException(String message, Throwable cause, boolean timedOut) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    /** Whether the call ran out of time while Docker may still be carrying the action out. */
    public boolean timedOut() {
        return timedOut;
    }
}
