package dev.medic.docker;

/** medic could not get an answer from Docker (socket missing, refused, timed out, breaker open). */
public final class DockerUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public DockerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
