package dev.medic.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP GET that passes when the status is one of {@code expectStatus} and, if given, the body
 * contains {@code expectBody}, all within {@code timeout}. Immutable.
 */
public record HttpProbeSpec(String url, List<Integer> expectStatus, Optional<String> expectBody, Duration timeout,
                            Map<String, String> headers, boolean tlsVerify) implements ProbeSpec {
    public HttpProbeSpec {
        expectStatus = List.copyOf(expectStatus);
        headers = Map.copyOf(headers);
    }

    @Override
    public String kind() {
        return "http";
    }
}
