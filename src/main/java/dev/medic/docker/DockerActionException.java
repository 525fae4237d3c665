package dev.medic.docker;

/** Docker answered but refused an action (e.g. the container vanished during a restart). */
public final class DockerActionException extends Exception {
    private static final long serialVersionUID = 1L;

    public DockerActionException(String message, Throwable cause) {
        super(message, cause);
    }
}
