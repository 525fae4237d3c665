package dev.medic.probe;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Accepts any certificate chain. Only for probes that do not judge trust: an HTTP probe whose
 * operator set {@code tls-verify = false}, and the tls-expiry probe, which reads a certificate's
 * expiry whether or not it is trusted. Stateless and thread-safe.
 */
final class TrustAnyCertificate implements X509TrustManager {
    static final TrustAnyCertificate INSTANCE = new TrustAnyCertificate();

    private TrustAnyCertificate() {
    }

    /** A TLS context that trusts any server certificate. */
    static SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {INSTANCE}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM", e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // Deliberately trusting: see the class comment.
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // Deliberately trusting: see the class comment.
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
