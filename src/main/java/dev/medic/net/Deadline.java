package dev.medic.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;

/**
 * One total time limit for a conversation over sockets — a probe's check, a notifier's send — that the
 * peer cannot stretch. A per-read timeout ({@code SO_TIMEOUT}) starts again with every byte, so a server
 * that trickles one byte a second holds such a conversation for ever; a deadline instead <em>closes</em>
 * every socket it guards when the time is up. Closing a socket ends whatever is blocked on it — connect,
 * TLS handshake, read or write, in medic's code or inside a library such as Angus Mail — with an
 * {@link IOException}, and {@link #expired()} then tells that the deadline, not the peer, ended it.
 *
 * <p>Invariants: a guarded socket is never closed by the deadline before {@code timeout} has passed since
 * {@link #start}, and is closed promptly after it unless {@link #close()} came first; once closed, the
 * deadline closes nothing more; a socket guarded after the deadline passed is closed at once.
 *
 * <p>The sockets are closed by one daemon thread shared by every deadline ({@code medic-deadline}): it
 * only closes sockets, which does not block, so one thread serves all workers. Thread-safe.
 */
public final class Deadline implements AutoCloseable {
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private final Duration timeout;
    private final long startNanos;
    private final List<Socket> guarded = new ArrayList<>();
    private final ScheduledFuture<?> alarm;
    /** Guarded by {@code guarded}. */
    private boolean expired;
    /** Guarded by {@code guarded}. */
    private boolean closed;

    private Deadline(Duration timeout) {
        this.timeout = timeout;
        this.startNanos = System.nanoTime();
        // A timeout of zero or less has passed already; it never reaches here from a valid config.
        this.expired = timeout.isNegative() || timeout.isZero();
        this.alarm = expired ? null : WATCHDOG.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * A deadline {@code timeout} from now (passed already if {@code timeout} is not positive). Close it when
     * the conversation is over.
     */
    public static Deadline start(Duration timeout) {
        return new Deadline(timeout);
    }

    public Duration timeout() {
        return timeout;
    }

    /** Milliseconds since {@link #start}. */
    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Milliseconds left, at least 1 while the deadline has not passed (for a socket timeout), 0 after. */
    public int remainingMillis() {
        long left = timeout.toMillis() - elapsedMillis();
        if (left <= 0 || expired()) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** Whether the deadline has passed and closed the sockets it guards. */
    public boolean expired() {
        synchronized (guarded) {
            return expired;
        }
    }

    /**
     * Has {@code socket} closed when the deadline passes (at once if it has passed already). Returns the
     * socket, for use in a resource declaration.
     */
    public <S extends Socket> S guard(S socket) {
        boolean closeNow;
        synchronized (guarded) {
            closeNow = expired;
            if (!closeNow && !closed) {
                guarded.add(socket);
            }
        }
        if (closeNow) {
            closeQuietly(socket);
        }
        return socket;
    }

    /**
     * A socket factory whose sockets this deadline guards, for libraries that open their own connections
     * (Angus Mail's {@code mail.smtp.socketFactory}). Its sockets connect with at most the time left.
     */
    public SocketFactory socketFactory() {
        return new GuardedSocketFactory();
    }

    private void expire() {
        List<Socket> toClose;
        synchronized (guarded) {
            if (closed) {
                return;
            }
            expired = true;
            toClose = List.copyOf(guarded);
            guarded.clear();
        }
        // Closing the raw socket wakes a thread blocked on it, also one inside an SSLSocket layered over it.
        toClose.forEach(Deadline::closeQuietly);
    }

    /** The conversation is over: the deadline closes nothing more. The sockets stay as they are. */
    @Override
    public void close() {
        synchronized (guarded) {
            closed = true;
            guarded.clear();
        }
        if (alarm != null) {
            alarm.cancel(false);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // It is being given up on; a failing close changes nothing.
        }
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "medic-deadline");
            t.setDaemon(true);
            return t;
        });
        // Most deadlines are closed long before they pass: drop their alarms instead of keeping them queued.
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** Unconnected sockets guarded by this deadline; the other methods connect within the time left. */
    private final class GuardedSocketFactory extends SocketFactory {
        @Override
        public Socket createSocket() {
            return guard(new Socket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return connected(new java.net.InetSocketAddress(host, port), null);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return connected(new java.net.InetSocketAddress(host, port),
                    new java.net.InetSocketAddress(localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return connected(new java.net.InetSocketAddress(host, port), null);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return connected(new java.net.InetSocketAddress(address, port),
                    new java.net.InetSocketAddress(localAddress, localPort));
        }

        private Socket connected(java.net.InetSocketAddress remote, java.net.InetSocketAddress local)
                throws IOException {
            Socket socket = createSocket();
            try {
                if (local != null) {
                    socket.bind(local);
                }
                int left = remainingMillis();
                if (left == 0) {
                    throw new java.net.SocketTimeoutException("deadline passed before connecting");
                }
                socket.connect(remote, left);
                return socket;
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }
    }
}
