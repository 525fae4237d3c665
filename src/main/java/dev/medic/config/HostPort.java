package dev.medic.config;

import java.util.Optional;

/** A {@code HOST:PORT} address ({@code [::1]:5432} for IPv6). Immutable. */
public record HostPort(String host, int port) {

    /** Parses {@code HOST:PORT}; empty when it is not one. */
    public static Optional<HostPort> parse(String text) {
        String t = text.strip();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            return Optional.empty();
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isBlank() || host.contains(" ")) {
            return Optional.empty();
        }
        try {
            int port = Integer.parseInt(t.substring(colon + 1));
            return port >= 1 && port <= 65535 ? Optional.of(new HostPort(host, port)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
