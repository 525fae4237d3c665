package dev.medic.probe;

import dev.medic.config.HttpProbeSpec;
import dev.medic.core.CheckResult;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * HTTP GET probe over okhttp. The probe's timeout bounds the whole call (connect, headers and body),
 * so an endpoint that accepts and never answers fails at the timeout. Redirects are not followed and
 * failed connections are not retried: the probe reports what the endpoint does. TLS certificates are
 * verified unless the probe opts out. All probes share one connection pool. Thread-safe.
 */
public final class HttpProbe implements Probe<HttpProbeSpec> {

    private static final long MAX_BODY = 64 * 1024;

    private final OkHttpClient base;
    private final String userAgent;
    private final Map<Key, OkHttpClient> clients = new ConcurrentHashMap<>();

    private record Key(Duration timeout, boolean tlsVerify) { }

    public HttpProbe(OkHttpClient base, String userAgent) {
        this.base = base.newBuilder()
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
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
        OkHttpClient client = clients.computeIfAbsent(new Key(spec.timeout(), spec.tlsVerify()), this::clientFor);
        HttpUrl url = HttpUrl.parse(spec.url());
        if (url == null) {
            // Config validation admits only http(s) URLs; one okhttp still refuses is medic's problem, not the target's.
            return CheckResult.unknown("http probe cannot use this URL");
        }
        String shown = redacted(url);
        Request.Builder request = new Request.Builder().url(url).header("User-Agent", userAgent);
        if (!url.username().isEmpty()) {
            request.header("Authorization", Credentials.basic(url.username(), url.password()));
        }
        spec.headers().forEach(request::header);
        long start = System.nanoTime();
        try (Response response = client.newCall(request.build()).execute()) {
            int code = response.code();
            String body = spec.expectBody().isPresent() ? response.peekBody(MAX_BODY).string() : "";
            long ms = elapsedMs(start);
            if (!spec.expectStatus().contains(code)) {
                return CheckResult.fail("http " + code + " (expected " + statuses(spec) + ") in " + ms + " ms");
            }
            if (spec.expectBody().isPresent() && !body.contains(spec.expectBody().get())) {
                return CheckResult.fail("http " + code + " but body lacks \"" + spec.expectBody().get() + "\": \""
                        + excerpt(body) + "\"");
            }
            return CheckResult.pass("http " + code + " in " + ms + " ms");
        } catch (ConnectException e) {
            return CheckResult.fail("http connection refused: " + shown);
        } catch (InterruptedIOException e) {
            return CheckResult.fail("http no answer within " + spec.timeout().toMillis() + " ms: " + shown);
        } catch (UnknownHostException e) {
            return CheckResult.fail("http unknown host: " + e.getMessage());
        } catch (SSLException e) {
            return CheckResult.fail("http TLS error: " + e.getMessage());
        } catch (IOException e) {
            return CheckResult.fail("http error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The URL as it may appear in logs: without the password or user of its userinfo. */
    static String redacted(HttpUrl url) {
        if (url.username().isEmpty() && url.password().isEmpty()) {
            return url.toString();
        }
        return url.newBuilder().username("***").password("").build().toString();
    }

    private OkHttpClient clientFor(Key key) {
        OkHttpClient.Builder b = base.newBuilder()
                .callTimeout(key.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .connectTimeout(key.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(key.timeout().toMillis(), TimeUnit.MILLISECONDS);
        if (!key.tlsVerify()) {
            X509TrustManager trustAll = new TrustAllManager();
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
                b.sslSocketFactory(context.getSocketFactory(), trustAll).hostnameVerifier((host, session) -> true);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("TLS is not available in this JVM", e);
            }
        }
        return b.build();
    }

    private static String statuses(HttpProbeSpec spec) {
        return spec.expectStatus().size() == 1 ? spec.expectStatus().get(0).toString()
                : spec.expectStatus().toString();
    }

    private static String excerpt(String body) {
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 120 ? oneLine.substring(0, 120) + "..." : oneLine;
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Accepts any certificate: only for probes that explicitly set {@code tls-verify = false}. */
    private static final class TrustAllManager implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // Deliberately trusting: the operator opted out of verification for this probe.
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // Deliberately trusting: the operator opted out of verification for this probe.
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
