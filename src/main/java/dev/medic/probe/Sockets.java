package dev.medic.probe;

import dev.medic.config.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * The plain-socket plumbing of the TCP, Redis and PostgreSQL probes: a connect and reads bounded by
 * one deadline, and the words an operator reads for each way a connection fails.
 */
final class Sockets {
    private Sockets() {
    }

    /** Connects within {@code timeout}; the socket's reads time out at what is left of it. */
    static Socket connect(HostPort address, Duration timeout, long startNanos) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address.host(), address.port()), (int) Math.max(1, timeout.toMillis()));
            socket.setSoTimeout((int) Math.max(1, remainingMs(timeout, startNanos)));
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    static long remainingMs(Duration timeout, long startNanos) {
        return timeout.toMillis() - elapsedMs(startNanos);
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
    static String describe(IOException e, Duration timeout) {
        if (e instanceof SocketTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (e instanceof ConnectException) {
            String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
            return m.contains("timed out") ? "no answer within " + timeout.toMillis() + " ms" : "connection refused";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
