package dev.medic.probe;

import dev.medic.config.HostPort;
import dev.medic.core.Printable;
import dev.medic.net.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The plain-socket plumbing of the TCP, Redis, PostgreSQL and tls-expiry probes: a connection whose whole
 * conversation is bounded by one {@link Deadline}, and the words an operator reads for each way a
 * connection fails.
 */
final class Sockets {
    private Sockets() {
    }

    /**
     * Connects within what is left of {@code deadline}, which from then on closes the socket when it passes
     * (so no read, write or TLS handshake on it outlives the deadline). Each read also times out at what was
     * left when connected, so a silent server fails with a timeout even before the deadline's alarm.
     */
    static Socket connect(HostPort address, Deadline deadline) throws IOException {
        Socket socket = deadline.guard(new Socket());
        try {
            InetSocketAddress remote = new InetSocketAddress(address.host(), address.port());
            socket.connect(remote, remainingOrTimeout(deadline));
            socket.setSoTimeout(remainingOrTimeout(deadline));
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static int remainingOrTimeout(Deadline deadline) throws SocketTimeoutException {
        int left = deadline.remainingMillis();
        if (left == 0) {
            throw new SocketTimeoutException("the deadline passed");
        }
        return left;
    }

    static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** One CRLF- or LF-terminated line (at most 512 bytes), or null at the end of the stream. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r' && sb.length() < 512) {
                sb.append((char) c);
            }
        }
        return c == -1 && sb.length() == 0 ? null : sb.toString();
    }

    /** What went wrong, in the words an operator reads in the journal. */
    static String describe(IOException e, Deadline deadline) {
        if (timedOut(e, deadline)) {
            return "no answer within " + deadline.timeout().toMillis() + " ms";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : Printable.line(e.getMessage());
    }

    /**
     * Whether {@code e} is the deadline's doing: its alarm closed the socket (which surfaces as any kind of
     * IOException, an SSLException included), a read timed out, or a connect did.
     */
    static boolean timedOut(IOException e, Deadline deadline) {
        if (deadline.expired() || e instanceof SocketTimeoutException) {
            return true;
        }
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return e instanceof ConnectException && m.contains("timed out");
    }
}
