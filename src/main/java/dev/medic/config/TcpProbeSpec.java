package dev.medic.config;

import java.time.Duration;

/** A TCP connect to {@code address} that passes when it is accepted within {@code timeout}. Immutable. */
public record TcpProbeSpec(HostPort address, Duration timeout) implements ProbeSpec {
    @Override
    public String kind() {
        return "tcp";
    }
}
