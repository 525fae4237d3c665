package dev.medic.config;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code tls-expiry { address, warn-days, server-name }}: fails when the certificate served at
 * {@code address} expires within {@code warnDays}. Only on watch-only targets: a restart does not
 * renew a certificate, so this probe alerts and never heals. Immutable.
 */
public record TlsExpiryProbeSpec(HostPort address, int warnDays, Optional<String> serverName, Duration timeout)
        implements ProbeSpec {
    @Override
    public String kind() {
        return "tls-expiry";
    }
}
