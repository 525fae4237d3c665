package dev.medic.config;

import java.time.Duration;

/**
 * A PostgreSQL readiness check at the protocol level, as pg_isready does: a startup message for
 * {@code user} and {@code database}, and whether the server accepts, rejects or does not answer.
 * Immutable.
 */
public record PostgresProbeSpec(HostPort address, String user, String database, Duration timeout)
        implements ProbeSpec {
    @Override
    public String kind() {
        return "postgres";
    }
}
