package dev.medic.probe;

import dev.medic.config.TlsExpiryProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Printable;
import dev.medic.docker.ContainerInfo;
import dev.medic.net.Deadline;
import java.io.IOException;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * {@code tls-expiry}: a TLS handshake with the address (SNI set to {@code server-name}, or the host
 * when it is a name) and the served certificate's expiry against {@code warn-days}. The chain is not
 * verified here, on purpose: the question is when the certificate runs out, and an HTTP probe with
 * {@code tls-verify} answers whether it is trusted. Connect and handshake together end within the timeout,
 * however slowly the server sends its records. Every certificate served, in date or not, is told to the
 * {@link ProbeFindings} (for {@code medic_tls_cert_expiry_timestamp_seconds}); a failed connection or handshake
 * tells nothing. Thread-safe.
 */
public final class TlsExpiryProbe implements Probe<TlsExpiryProbeSpec> {
    private final Clock clock;
    private final SSLContext context;

    public TlsExpiryProbe(Clock clock) {
        this.clock = clock;
        this.context = TrustAnyCertificate.context();
    }

    @Override
    public String kind() {
        return "tls-expiry";
    }

    @Override
    public Class<TlsExpiryProbeSpec> specType() {
        return TlsExpiryProbeSpec.class;
    }

    @Override
    public CheckResult check(TlsExpiryProbeSpec spec) {
        return check(spec, Optional.empty(), ProbeFindings.NONE);
    }

    @Override
    public CheckResult check(TlsExpiryProbeSpec spec, Optional<ContainerInfo> container, ProbeFindings findings) {
        String where = "tls " + spec.address();
        try (Deadline deadline = Deadline.start(spec.timeout())) {
            // The deadline guards the plain socket under the TLS one: closing it ends a handshake at any step.
            try (Socket plain = Sockets.connect(spec.address(), deadline);
                 SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, spec.address().host(),
                         spec.address().port(), true)) {
                return inspect(where, spec, tls, findings);
            } catch (IOException e) {
                if (Sockets.timedOut(e, deadline)) {
                    return CheckResult.fail(where + ": " + Sockets.describe(e, deadline));
                }
                if (e instanceof SSLException) {
                    return CheckResult.fail(where + ": TLS handshake failed: " + Printable.line(
                            String.valueOf(e.getMessage())));
                }
                return CheckResult.fail(where + ": " + Sockets.describe(e, deadline));
            }
        }
    }

    private CheckResult inspect(String where, TlsExpiryProbeSpec spec, SSLSocket tls, ProbeFindings findings)
            throws IOException {
        String name = spec.serverName().orElse(spec.address().host());
        if (!name.matches("[0-9.]+") && !name.contains(":")) {
            SSLParameters params = tls.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(name)));
            tls.setSSLParameters(params);
        }
        tls.startHandshake();
        Certificate[] chain = tls.getSession().getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return CheckResult.fail(where + ": no X.509 certificate served");
        }
        Instant notAfter = leaf.getNotAfter().toInstant();
        // Told whatever the verdict: a certificate inside warn-days is the one whose date matters most.
        findings.certificateExpires(notAfter);
        Instant now = clock.instant();
        long days = Duration.between(now, notAfter).toDays();
        // The subject is the server's text: an attribute value may hold any character.
        String subject = Printable.line(leaf.getSubjectX500Principal().getName());
        if (notAfter.isBefore(now)) {
            return CheckResult.fail(where + ": certificate " + subject + " expired " + notAfter + ", "
                    + Duration.between(notAfter, now).toDays() + " days ago");
        }
        String expires = "certificate " + subject + " expires " + notAfter + ", in " + days + " days";
        if (days < spec.warnDays()) {
            return CheckResult.fail(where + ": " + expires + " (warn-days " + spec.warnDays() + ")");
        }
        return CheckResult.pass(where + " " + expires);
    }
}
