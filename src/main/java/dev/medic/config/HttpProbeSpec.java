package dev.medic.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request ({@code method}, default GET, with an optional {@code body}) that passes when the
 * status is one of {@code expectStatus} and, if given, the body contains {@code expectBody} and its
 * JSON matches {@code expectJson}, all within {@code timeout}. Redirects are followed only when
 * {@code followRedirects}. Immutable.
 */
public record HttpProbeSpec(String url, List<Integer> expectStatus, Optional<String> expectBody, Duration timeout,
                            Map<String, String> headers, boolean tlsVerify, String method, Optional<String> body,
                            boolean followRedirects, Optional<JsonExpectation> expectJson) implements ProbeSpec {
    public HttpProbeSpec {
        expectStatus = List.copyOf(expectStatus);
        headers = Map.copyOf(headers);
    }

    /** A GET without redirects or JSON expectations. */
    public HttpProbeSpec(String url, List<Integer> expectStatus, Optional<String> expectBody, Duration timeout,
                         Map<String, String> headers, boolean tlsVerify) {
        this(url, expectStatus, expectBody, timeout, headers, tlsVerify, "GET", Optional.empty(), false,
                Optional.empty());
    }

    /**
     * The value at {@code path} (dot-separated field names; a number indexes an array, as in
     * {@code checks.0.status}) must read as {@code equals}.
     */
    public record JsonExpectation(String path, String equals) { }

    @Override
    public String kind() {
        return "http";
    }
}
