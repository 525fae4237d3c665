package dev.medic.probe;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile server on 127.0.0.1 for deadline tests: it accepts every connection and then sends its
 * {@code opening} bytes one at a time, {@code every} apart, followed by {@code filler} bytes at the same
 * pace, for ever. Each byte comes well within any per-read timeout longer than {@code every}, so only a
 * total deadline ends a client's conversation with it. It never reads what the client sends (a client's
 * few hundred bytes fit in the kernel's buffers).
 *
 * <p>{@link #close()} closes the listening socket and every accepted connection, so that a client that
 * has no deadline (the code before the fix) is released when the test gives up on it. Thread-safe.
 */
public final class TricklingServer implements AutoCloseable {
    private final ServerSocket listener;
    private final byte[] opening;
    private final byte filler;
    private final Duration every;
    private final ScheduledExecutorService pacer;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private TricklingServer(byte[] opening, byte filler, Duration every) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.opening = opening.clone();
        this.filler = filler;
        this.every = every;
        this.pacer = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "trickling-server-pacer");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptForever, "trickling-server-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Sends {@code opening} then {@code filler} for ever, one byte a second. */
    public static TricklingServer start(String opening, char filler) throws IOException {
        return start(opening.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), (byte) filler,
                Duration.ofSeconds(1));
    }

    /** Sends {@code opening} then {@code filler} for ever, one byte every {@code every}. */
    public static TricklingServer start(byte[] opening, byte filler, Duration every) throws IOException {
        return new TricklingServer(opening, filler, every);
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptForever() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                accepted.add(s);
                trickle(s);
            } catch (IOException e) {
                return; // closed by close()
            }
        }
    }

    private void trickle(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        AtomicInteger sent = new AtomicInteger();
        ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
        Runnable sendOne = () -> {
            int i = sent.getAndIncrement();
            try {
                out.write(i < opening.length ? opening[i] : filler);
                out.flush();
            } catch (IOException e) {
                // The client hung up, as it should at its deadline: stop trickling to it.
                synchronized (self) {
                    if (self[0] != null) {
                        self[0].cancel(false);
                    }
                }
            }
        };
        synchronized (self) {
            // The first byte goes at once: the client must not be saved by an initial silence.
            self[0] = pacer.scheduleAtFixedRate(sendOne, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        pacer.shutdownNow();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
