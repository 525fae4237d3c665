package dev.medic.probe;

import dev.medic.config.HttpProbeSpec;
import dev.medic.config.UrlMasking;
import dev.medic.core.CheckResult;
import dev.medic.core.Printable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * HTTP probe over okhttp (GET unless the probe sets a method and body). The probe's timeout bounds the
 * whole call (connect, headers and body), so an endpoint that accepts and never answers fails at the
 * timeout. Redirects are not followed unless the probe asks, and failed connections are not retried:
 * the probe reports what the endpoint does. {@code expect-json} reads the body with Jackson. TLS certificates are
 * verified unless the probe opts out. All probes share one connection pool.
 *
 * <p>What a detail shows is safe to show: the URL with its userinfo and credential parameters masked
 * ({@link UrlMasking}), body excerpts and server messages printable on one line ({@link Printable}). The
 * configured headers go to the configured origin only, never along a redirect to another one. Thread-safe.
 */
public final class HttpProbe implements Probe<HttpProbeSpec> {

    private static final long MAX_BODY = 64 * 1024;

    private final OkHttpClient base;
    private final String userAgent;
    private final Map<Key, OkHttpClient> clients = new ConcurrentHashMap<>();

    private record Key(Duration timeout, boolean tlsVerify, boolean followRedirects) { }

    private final ObjectMapper json = new ObjectMapper();

    public HttpProbe(OkHttpClient base, String userAgent) {
        // A fresh connection for every check: a pooled one that the server has meanwhile closed fails the
        // check falsely, and reuse would hide a server that no longer accepts connections. No retry either,
        // so that a reset is reported, not papered over.
        this.base = base.newBuilder()
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectionPool(new okhttp3.ConnectionPool(0, 1, java.util.concurrent.TimeUnit.SECONDS))
                .build();
        this.userAgent = userAgent;
    }

    @Override
    public String kind() {
        return "http";
    }

    @Override
    public Class<HttpProbeSpec> specType() {
        return HttpProbeSpec.class;
    }

    @Override
    public CheckResult check(HttpProbeSpec spec) {
        OkHttpClient client = clients.computeIfAbsent(new Key(spec.timeout(), spec.tlsVerify(), spec.followRedirects()),
                this::clientFor);
        HttpUrl url = HttpUrl.parse(spec.url());
        if (url == null) {
            // Config validation admits only http(s) URLs; one okhttp still refuses is medic's problem, not the
            // target's.
            return CheckResult.unknown("http probe cannot use this URL");
        }
        String shown = UrlMasking.maskUrl(url.toString());
        Request.Builder request = new Request.Builder().url(url).header("User-Agent", userAgent)
                .tag(ConfiguredOrigin.class, ConfiguredOrigin.of(url, spec.headers().keySet()));
        if (!url.username().isEmpty()) {
            request.header("Authorization", Credentials.basic(url.username(), url.password()));
        }
        spec.headers().forEach(request::header);
        RequestBody requestBody = spec.body().map(b -> RequestBody.create(b, MediaType.get(
                spec.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Content-Type"))
                        .map(Map.Entry::getValue).findFirst().orElse("text/plain; charset=utf-8")))).orElse(null);
        if (requestBody == null && (spec.method().equals("POST") || spec.method().equals("PUT")
                || spec.method().equals("PATCH"))) {
            requestBody = RequestBody.create(new byte[0]);
        }
        request.method(spec.method(), requestBody);
        long start = System.nanoTime();
        try (Response response = client.newCall(request.build()).execute()) {
            int code = response.code();
            boolean needsBody = spec.expectBody().isPresent() || spec.expectJson().isPresent();
            String body = needsBody ? response.peekBody(MAX_BODY).string() : "";
            long ms = Sockets.elapsedMs(start);
            if (!spec.expectStatus().contains(code)) {
                return CheckResult.fail("http " + code + " (expected " + statuses(spec) + ") in " + ms + " ms");
            }
            if (spec.expectBody().isPresent() && !body.contains(spec.expectBody().get())) {
                return CheckResult.fail("http " + code + " but body lacks \"" + spec.expectBody().get() + "\": \""
                        + excerpt(body) + "\"");
            }
            if (spec.expectJson().isPresent()) {
                Optional<String> wrong = jsonMismatch(spec.expectJson().get(), body);
                if (wrong.isPresent()) {
                    return CheckResult.fail("http " + code + " but " + wrong.get());
                }
            }
            return CheckResult.pass("http " + code + " in " + ms + " ms");
        } catch (ConnectException e) {
            return CheckResult.fail("http connection refused: " + shown);
        } catch (InterruptedIOException e) {
            return CheckResult.fail("http no answer within " + spec.timeout().toMillis() + " ms: " + shown);
        } catch (UnknownHostException e) {
            return CheckResult.fail("http unknown host: " + message(e));
        } catch (SSLException e) {
            return CheckResult.fail("http TLS error: " + message(e));
        } catch (IOException e) {
            // e.g. okhttp's "Unexpected status line: ..." quotes what the server sent.
            return CheckResult.fail("http error: " + e.getClass().getSimpleName() + ": " + message(e));
        }
    }

    /** Why the body does not meet {@code expected}; empty when it does. */
    private Optional<String> jsonMismatch(HttpProbeSpec.JsonExpectation expected, String body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (IOException e) {
            return Optional.of("the body is not JSON: \"" + excerpt(body) + "\"");
        }
        for (String part : expected.path().split("\\.")) {
            if (node == null) {
                break;
            }
            node = node.isArray() && part.matches("\\d+") ? node.get(Integer.parseInt(part)) : node.get(part);
        }
        if (node == null || node.isMissingNode()) {
            return Optional.of("its JSON has no " + expected.path() + ": \"" + excerpt(body) + "\"");
        }
        String actual = node.isValueNode() ? node.asText() : node.toString();
        if (!actual.equals(expected.equals())) {
            return Optional.of("JSON " + expected.path() + " is \"" + excerpt(actual) + "\" (expected \""
                    + expected.equals() + "\")");
        }
        return Optional.empty();
    }

    /** An exception's message as it may appear in a detail: printable, never a URL's secrets. */
    private static String message(IOException e) {
        return e.getMessage() == null ? "" : Printable.line(UrlMasking.maskUrlsIn(e.getMessage()));
    }

    private OkHttpClient clientFor(Key key) {
        OkHttpClient.Builder b = base.newBuilder()
                .addNetworkInterceptor(ConfiguredOrigin::dropHeadersElsewhere)
                .followRedirects(key.followRedirects())
                .followSslRedirects(key.followRedirects())
                .callTimeout(key.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .connectTimeout(key.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(key.timeout().toMillis(), TimeUnit.MILLISECONDS);
        if (!key.tlsVerify()) {
            b.sslSocketFactory(TrustAnyCertificate.context().getSocketFactory(), TrustAnyCertificate.INSTANCE)
                    .hostnameVerifier((host, session) -> true);
        }
        return b.build();
    }

    private static String statuses(HttpProbeSpec spec) {
        return spec.expectStatus().size() == 1 ? spec.expectStatus().get(0).toString()
                : spec.expectStatus().toString();
    }

    /** What a detail shows of a body: one printable line of at most 120 characters. */
    private static String excerpt(String body) {
        return Printable.excerpt(body, 120);
    }

    /**
     * The URL a probe is configured for and the names of its configured headers, carried as the request's
     * tag: okhttp copies the tag, like every header, onto the request of each redirect it follows.
     */
    private record ConfiguredOrigin(HttpUrl url, Set<String> headerNames) {
        /** Content-Type is left out: it describes the body, which a 307 or 308 redirect carries along. */
        static ConfiguredOrigin of(HttpUrl url, Set<String> configuredHeaders) {
            return new ConfiguredOrigin(url, configuredHeaders.stream()
                    .filter(name -> !name.equalsIgnoreCase("Content-Type")).collect(Collectors.toSet()));
        }

        /**
         * A network interceptor: a request that a redirect sent to another origin (scheme, host or port)
         * loses the configured headers, which hold API keys and the like meant for the configured endpoint.
         * okhttp itself drops only Authorization there. A configured Host header goes too, and the request
         * names its own host instead.
         */
        static Response dropHeadersElsewhere(Interceptor.Chain chain) throws IOException {
            Request request = chain.request();
            ConfiguredOrigin origin = request.tag(ConfiguredOrigin.class);
            if (origin == null || origin.headerNames().isEmpty() || sameOrigin(origin.url(), request.url())) {
                return chain.proceed(request);
            }
            Request.Builder stripped = request.newBuilder();
            origin.headerNames().forEach(stripped::removeHeader);
            // Network interceptors run after okhttp has set Host (it keeps a configured one): set it afresh.
            stripped.header("Host", hostHeader(request.url()));
            return chain.proceed(stripped.build());
        }

        private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
            return a.scheme().equals(b.scheme()) && a.host().equals(b.host()) && a.port() == b.port();
        }

        private static String hostHeader(HttpUrl url) {
            String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
            return url.port() == HttpUrl.defaultPort(url.scheme()) ? host : host + ":" + url.port();
        }
    }

}
