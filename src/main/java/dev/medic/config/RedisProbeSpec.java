package dev.medic.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A Redis {@code PING} that passes on {@code +PONG}, after {@code AUTH} with the password read from
 * {@code passwordFile} at every check when one is given (so the secret is never in the config). Immutable.
 */
public record RedisProbeSpec(HostPort address, Optional<Path> passwordFile, Duration timeout) implements ProbeSpec {
    @Override
    public String kind() {
        return "redis";
    }
}
