package dev.medic.systemd;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd about medic's state with sd_notify(3) messages on the datagram socket named by
 * {@code NOTIFY_SOCKET}: {@code READY=1}, {@code RELOADING=1}, {@code STOPPING=1}, {@code STATUS=...}
 * and {@code WATCHDOG=1}. Outside a {@code Type=notify} unit (no {@code NOTIFY_SOCKET}) every call
 * does nothing, so the same code runs in a terminal, in tests and under systemd.
 *
 * <p>Sending never throws: a notification that cannot be sent is logged once and medic goes on, since
 * healing matters more than telling systemd about it. Thread-safe.
 */
public final class SdNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SdNotifier.class);

    private final Optional<SocketAddress> socket;
    private final Optional<Duration> watchdogTimeout;
    private final AtomicBoolean warned = new AtomicBoolean();
    private AFUNIXDatagramSocket channel;

    private SdNotifier(Optional<SocketAddress> socket, Optional<Duration> watchdogTimeout) {
        this.socket = socket;
        this.watchdogTimeout = watchdogTimeout;
    }

    /**
     * A notifier configured from the environment systemd gives a service: {@code NOTIFY_SOCKET} (a path,
     * or {@code @name} in the abstract namespace), and {@code WATCHDOG_USEC} with {@code WATCHDOG_PID}
     * when the unit has {@code WatchdogSec=} (ignored when the pid is another process's).
     */
    public static SdNotifier fromEnvironment(Map<String, String> env, long ownPid) {
        String path = env.getOrDefault("NOTIFY_SOCKET", "");
        Optional<SocketAddress> address = Optional.empty();
        if (!path.isEmpty()) {
            try {
                address = Optional.of(path.startsWith("@")
                        ? AFUNIXSocketAddress.inAbstractNamespace(path.substring(1))
                        : AFUNIXSocketAddress.of(Path.of(path)));
            } catch (IOException e) {
                LOG.warn("NOTIFY_SOCKET={} is not a usable unix socket address ({}); not notifying systemd", path,
                        e.getMessage());
            }
        }
        return new SdNotifier(address, watchdogTimeout(env, ownPid));
    }

    /** A notifier that sends nothing. */
    public static SdNotifier disabled() {
        return new SdNotifier(Optional.empty(), Optional.empty());
    }

    private static Optional<Duration> watchdogTimeout(Map<String, String> env, long ownPid) {
        String usec = env.getOrDefault("WATCHDOG_USEC", "");
        String pid = env.getOrDefault("WATCHDOG_PID", "");
        if (usec.isEmpty() || (!pid.isEmpty() && !pid.equals(Long.toString(ownPid)))) {
            return Optional.empty();
        }
        try {
            long micros = Long.parseLong(usec);
            return micros > 0 ? Optional.of(Duration.ofNanos(micros * 1000)) : Optional.empty();
        } catch (NumberFormatException e) {
            LOG.warn("WATCHDOG_USEC={} is not a number; the systemd watchdog is not served", usec);
            return Optional.empty();
        }
    }

    /** Whether messages go anywhere. */
    public boolean enabled() {
        return socket.isPresent();
    }

    /** The unit's {@code WatchdogSec=}, when systemd expects {@link #watchdog()} pings from this process. */
    public Optional<Duration> watchdogTimeout() {
        return socket.isPresent() ? watchdogTimeout : Optional.empty();
    }

    /** Startup or a reload is complete. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    /** A reload begins; {@link #ready(String)} ends it. */
    public void reloading() {
        // MONOTONIC_USEC lets systemd (253+, Type=notify-reload) match this message to its reload request.
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
    }

    public void stopping() {
        send("STOPPING=1\nSTATUS=stopping");
    }

    public void status(String status) {
        send("STATUS=" + status);
    }

    /** Proof of life: systemd kills and restarts medic when these stop for {@code WatchdogSec=}. */
    public void watchdog() {
        send("WATCHDOG=1");
    }

    private void send(String message) {
        if (socket.isEmpty()) {
            return;
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try {
            synchronized (this) {
                if (channel == null) {
                    channel = AFUNIXDatagramSocket.newInstance();
                    channel.connect(socket.get());
                }
                channel.send(new DatagramPacket(bytes, bytes.length));
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                closeChannel();
            }
            if (warned.compareAndSet(false, true)) {
                LOG.warn("cannot notify systemd on {} ({}); medic goes on without it", socket.get(), e.toString());
            }
        }
    }

    private void closeChannel() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public synchronized void close() {
        closeChannel();
    }
}
