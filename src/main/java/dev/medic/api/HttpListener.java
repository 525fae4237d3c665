package dev.medic.api;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for medic's local API, built so that no client can hold it up.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: it reads the request line and headers on its executor's
 * threads with no deadline, so a few clients that send a header line every few seconds hold every thread and
 * {@code /healthz} times out (security review, finding 4); its {@code sun.net.httpserver.maxReqTime} is a
 * JVM-wide property that only bounds how long they hold it, and a path cannot be given its own threads before
 * the headers are read. Jetty or Undertow would each be larger than medic.
 *
 * <p>How: one selector thread accepts and reads every request (head and body) without blocking, each within
 * {@link Limits#requestTime()} of its connection; at most {@link Limits#maxConnections()} connections are open,
 * and when a new one arrives at that bound the oldest connection still sending its request is dropped (a slow
 * client, or it would have finished), else the oldest not reading its answer. A complete request goes to its {@link Lane}'s own small pool, so that
 * {@code /healthz} never queues behind {@code /status} or a history stream. A response held in memory is written
 * by the selector thread, within {@link Limits#responseTime()}, so a client that does not read holds no thread;
 * a streamed response is written by its lane's thread, which gives up when the client takes no bytes for
 * {@link Limits#writeStall()} or the whole response passes {@link Limits#responseTime()}. One request per
 * connection ({@code Connection: close}); request bodies are read (up to {@link Limits#maxBodyBytes()}) and
 * ignored.
 *
 * <p>Thread-safe: connections belong to the selector thread until dispatched, then to one lane thread.
 */
final class HttpListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);

    /**
     * The bounds on what clients may cost.
     *
     * @param maxConnections connections open at once (reading, waiting, being answered)
     * @param requestTime from accept to the last byte of the request (head and body)
     * @param responseTime from the first byte of a response to its last
     * @param writeStall how long a streamed response waits for a client that takes no bytes
     * @param maxHeadBytes request line and headers
     * @param maxBodyBytes request body (medic reads none, but a form POST carries one)
     */
    record Limits(int maxConnections, Duration requestTime, Duration responseTime, Duration writeStall,
                  int maxHeadBytes, int maxBodyBytes) {
        /** 5 s for a request and 64 connections: a local CLI or Prometheus needs milliseconds and one or two. */
        static final Limits DEFAULT = new Limits(64, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(10), 16 * 1024, 64 * 1024);
    }

    /** Which pool answers a request; each has its own threads, so one kind of request cannot starve another. */
    enum Lane {
        /** {@code /healthz}: what systemd and monitoring ask; one thread of its own. */
        HEALTH(1, 16),
        /** Small answers built in memory (status, metrics, explain, pause, errors). */
        GENERAL(2, 64),
        /** Streamed answers ({@code /history}): one at a time, a few waiting, which also bounds their memory. */
        STREAM(1, 2);

        final int threads;
        final int queue;

        Lane(int threads, int queue) {
            this.threads = threads;
            this.queue = queue;
        }
    }

    /**
     * One request.
     *
     * @param headers lower-cased names to their values, in the order sent
     */
    record Request(String method, String rawPath, Optional<String> rawQuery, Map<String, List<String>> headers) {
        /** The single value of {@code name}; empty when absent, and also when sent more than once (ambiguous). */
        Optional<String> header(String name) {
            List<String> values = headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
            return values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
        }

        /** How many times {@code name} was sent. */
        int count(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).size();
        }
    }

    /** Writes a streamed body; the stream is chunked and closed by the listener. */
    @FunctionalInterface
    interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * An answer: a body in memory, or one written as it is produced.
     *
     * @param headers further header lines, name to value, written after the ones every answer has; names are
     *     tokens and values printable ASCII (checked here, so that no value can split an answer)
     */
    record Response(int status, String contentType, byte[] body, BodyWriter stream, Map<String, String> headers) {
        Response {
            headers = Map.copyOf(headers);
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (!h.getKey().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")
                        || !h.getValue().matches("[\\x20-\\x7e]*")) {
                    throw new IllegalArgumentException("not a header line: " + h.getKey());
                }
            }
        }

        static Response of(int status, String contentType, byte[] body) {
            return new Response(status, contentType, body, null, Map.of());
        }

        static Response text(int status, String text) {
            return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        }

        static Response streamed(int status, String contentType, BodyWriter writer) {
            return new Response(status, contentType, null, writer, Map.of());
        }

        /** This answer with the header {@code name: value} added. */
        Response withHeader(String name, String value) {
            Map<String, String> more = new TreeMap<>(headers);
            more.put(name, value);
            return new Response(status, contentType, body, stream, more);
        }
    }

    /** Answers requests; may be called on several lane threads at once. */
    @FunctionalInterface
    interface Handler {
        Response handle(Request request) throws IOException;
    }

    private enum Phase { HEAD, BODY, ANSWERING, WRITING, LINGERING }

    /** How long a refused request's unread rest is drained so that the refusal is not lost to a TCP reset. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** One client connection. Fields are the selector thread's, except while a lane thread streams to it. */
    private static final class Conn {
        final SocketChannel channel;
        final SelectionKey key;
        final long deadlineNanos;
        Phase phase = Phase.HEAD;
        ByteBuffer in = ByteBuffer.allocate(1024);
        int scanned;
        long bodyLeft;
        /** The parsed head, while its body is read. */
        Request request;
        ByteBuffer out;
        long writeDeadlineNanos;
        /** The request was refused before it was read to its end. */
        boolean unread;

        Conn(SocketChannel channel, SelectionKey key, long deadlineNanos) {
            this.channel = channel;
            this.key = key;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final Limits limits;
    private final Handler handler;
    private final Function<Request, Lane> lanes;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Map<Lane, ThreadPoolExecutor> pools = new EnumMap<>(Lane.class);
    /** Insertion order is accept order: the first connection still reading is the oldest. */
    private final Set<Conn> open = new LinkedHashSet<>();
    private final AtomicInteger openCount = new AtomicInteger();
    private final Queue<Runnable> toSelector = new ConcurrentLinkedQueue<>();
    private final ByteBuffer discard = ByteBuffer.allocate(8192);
    private final Thread selectorThread;
    private volatile boolean running = true;

    /** Binds {@code listen} at once (so that a taken port fails the start); serves after {@link #start()}. */
    HttpListener(InetSocketAddress listen, Limits limits, Handler handler, Function<Request, Lane> lanes,
                 String threadPrefix) throws IOException {
        this.limits = limits;
        this.handler = handler;
        this.lanes = lanes;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(listen, limits.maxConnections());
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            server.close();
            selector.close();
            throw e;
        }
        for (Lane lane : Lane.values()) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(lane.threads, lane.threads, 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(lane.queue), threads(threadPrefix + "-" + lane.name()
                    .toLowerCase(Locale.ROOT)));
            // Threads only while there is work: an idle API costs no stacks.
            pool.allowCoreThreadTimeOut(true);
            pools.put(lane, pool);
        }
        this.selectorThread = threads(threadPrefix + "-io").newThread(this::loop);
    }

    void start() {
        selectorThread.start();
    }

    InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the API socket is closed", e);
        }
    }

    /** Connections open now (for tests of the bound). */
    int openConnections() {
        return openCount.get();
    }

    private void loop() {
        while (running) {
            try {
                selector.select(selectTimeoutMillis());
                Runnable task;
                while ((task = toSelector.poll()) != null) {
                    task.run();
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        acceptAll();
                    } else {
                        Conn c = (Conn) key.attachment();
                        if (key.isReadable()) {
                            read(c);
                        }
                        if (key.isValid() && key.isWritable()) {
                            write(c);
                        }
                    }
                }
                expire();
            } catch (IOException | RuntimeException e) {
                // One bad connection or a bug must not end the API; the loop goes on with the others.
                if (running) {
                    LOG.warn("api: the connection loop hit {}; it goes on", e.toString());
                }
            }
        }
    }

    private long selectTimeoutMillis() {
        long now = System.nanoTime();
        long next = now + TimeUnit.SECONDS.toNanos(1);
        for (Conn c : open) {
            if (c.phase == Phase.HEAD || c.phase == Phase.BODY) {
                next = Math.min(next, c.deadlineNanos);
            } else if (c.phase == Phase.WRITING || c.phase == Phase.LINGERING) {
                next = Math.min(next, c.writeDeadlineNanos);
            }
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - now) + 1);
    }

    private void acceptAll() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            if (open.size() >= limits.maxConnections() && !dropOldestIdle()) {
                // Every slot is being answered: this one is turned away at once rather than queued without bound.
                try (SocketChannel refused = ch) {
                    refused.configureBlocking(false);
                    refused.write(ByteBuffer.wrap(head(503, "text/plain; charset=utf-8", 5, false, Map.of())));
                    refused.write(ByteBuffer.wrap("busy\n".getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    // gone already
                }
                continue;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
                Conn c = new Conn(ch, key, System.nanoTime() + limits.requestTime().toNanos());
                key.attach(c);
                open.add(c);
                openCount.set(open.size());
            } catch (IOException e) {
                ch.close();
            }
        }
    }

    /**
     * Makes room for a new connection: drops the one that has been sending its request the longest (a slow
     * client, or it would have finished), else the oldest whose answer is waiting for the client to read it; false
     * when every connection is being answered by a lane (there are only as many as the lanes' threads and queues).
     */
    private boolean dropOldestIdle() {
        for (EnumSet<Phase> phases : List.of(EnumSet.of(Phase.HEAD, Phase.BODY),
                EnumSet.of(Phase.WRITING, Phase.LINGERING))) {
            for (Conn c : open) {
                if (phases.contains(c.phase)) {
                    close(c);
                    return true;
                }
            }
        }
        return false;
    }

    private void read(Conn c) {
        try {
            if (c.phase == Phase.LINGERING) {
                discard.clear();
                if (c.channel.read(discard) < 0) {
                    close(c);
                }
                return;
            }
            if (c.phase == Phase.BODY) {
                readBody(c);
                return;
            }
            if (c.phase != Phase.HEAD) {
                return;
            }
            if (!c.in.hasRemaining()) {
                if (c.in.capacity() >= limits.maxHeadBytes()) {
                    reject(c, 431, "request headers too large\n");
                    return;
                }
                ByteBuffer bigger = ByteBuffer.allocate(Math.min(c.in.capacity() * 2, limits.maxHeadBytes()));
                c.in.flip();
                bigger.put(c.in);
                c.in = bigger;
            }
            int n = c.channel.read(c.in);
            if (n < 0) {
                close(c);
                return;
            }
            int end = headEnd(c);
            if (end >= 0) {
                headRead(c, end);
            }
        } catch (IOException e) {
            close(c);
        }
    }

    /** The index just past the blank line that ends the head, or -1; accepts LF as well as CRLF line ends. */
    private static int headEnd(Conn c) {
        byte[] a = c.in.array();
        int limit = c.in.position();
        for (int i = Math.max(0, c.scanned - 2); i < limit; i++) {
            if (a[i] != '\n') {
                continue;
            }
            if (i + 1 < limit && a[i + 1] == '\n') {
                return i + 2;
            }
            if (i + 2 < limit && a[i + 1] == '\r' && a[i + 2] == '\n') {
                return i + 3;
            }
        }
        c.scanned = limit;
        return -1;
    }

    private void headRead(Conn c, int end) throws IOException {
        Request request;
        try {
            request = parse(new String(c.in.array(), 0, end, StandardCharsets.ISO_8859_1));
        } catch (BadRequest e) {
            reject(c, e.status, e.getMessage() + "\n");
            return;
        }
        if (request.count("transfer-encoding") > 0) {
            reject(c, 411, "a request body needs a Content-Length\n");
            return;
        }
        long length = 0;
        List<String> lengths = request.headers().getOrDefault("content-length", List.of());
        if (!lengths.isEmpty()) {
            if (lengths.stream().distinct().count() != 1 || !lengths.get(0).matches("[0-9]{1,12}")) {
                reject(c, 400, "bad Content-Length\n");
                return;
            }
            length = Long.parseLong(lengths.get(0));
        }
        if (length > limits.maxBodyBytes()) {
            reject(c, 413, "request body too large\n");
            return;
        }
        c.bodyLeft = length - (c.in.position() - end);
        c.in = null;
        c.request = request;
        if (c.bodyLeft > 0) {
            c.phase = Phase.BODY;
        } else {
            dispatch(c, request);
        }
    }

    private void readBody(Conn c) throws IOException {
        discard.clear();
        if (discard.remaining() > c.bodyLeft) {
            discard.limit((int) c.bodyLeft);
        }
        int n = c.channel.read(discard);
        if (n < 0) {
            close(c);
            return;
        }
        c.bodyLeft -= n;
        if (c.bodyLeft <= 0) {
            dispatch(c, c.request);
        }
    }

    private void dispatch(Conn c, Request request) {
        c.request = null;
        c.phase = Phase.ANSWERING;
        c.key.interestOps(0);
        Lane lane = lanes.apply(request);
        try {
            pools.get(lane).execute(() -> answer(c, request));
        } catch (RejectedExecutionException e) {
            respond(c, Response.text(503, "busy: too many requests of this kind at once; try again\n"));
        }
    }

    /** On a lane thread: asks the handler, then hands a body in memory to the selector or streams one. */
    private void answer(Conn c, Request request) {
        boolean handedOn = false;
        try {
            Response response;
            try {
                response = handler.handle(request);
            } catch (IOException | RuntimeException e) {
                LOG.warn("api: {} {} failed inside medic", request.method(), request.rawPath(), e);
                response = Response.text(500, "internal error\n");
            }
            handedOn = true;
            if (response.stream() == null) {
                Response r = response;
                toSelector.add(() -> respond(c, r));
                selector.wakeup();
            } else {
                stream(c, response);
            }
        } finally {
            if (!handedOn) {
                // An Error on the way: the connection's slot is given back rather than held for good.
                toSelector.add(() -> close(c));
                selector.wakeup();
            }
        }
    }

    /** Selector thread: starts writing a response held in memory. */
    private void respond(Conn c, Response r) {
        if (!c.channel.isOpen()) {
            return;
        }
        byte[] head = head(r.status(), r.contentType(), r.body().length, false, r.headers());
        ByteBuffer out = ByteBuffer.allocate(head.length + r.body().length);
        out.put(head).put(r.body()).flip();
        c.out = out;
        c.phase = Phase.WRITING;
        c.writeDeadlineNanos = System.nanoTime() + limits.responseTime().toNanos();
        try {
            c.key.interestOps(SelectionKey.OP_WRITE);
        } catch (RuntimeException e) {
            close(c);
            return;
        }
        write(c);
    }

    private void write(Conn c) {
        if (c.phase != Phase.WRITING) {
            return;
        }
        try {
            c.channel.write(c.out);
            if (!c.out.hasRemaining()) {
                if (c.unread) {
                    // Closing with unread input would reset the connection and could lose the answer just sent.
                    c.channel.shutdownOutput();
                    c.phase = Phase.LINGERING;
                    c.writeDeadlineNanos = System.nanoTime() + LINGER_NANOS;
                    c.key.interestOps(SelectionKey.OP_READ);
                } else {
                    close(c);
                }
            }
        } catch (IOException e) {
            close(c);
        }
    }

    /** Answers a request that cannot be served (bad, too large) and ends the connection. */
    private void reject(Conn c, int status, String text) {
        c.in = null;
        c.request = null;
        c.unread = true;
        c.key.interestOps(0);
        respond(c, Response.text(status, text));
    }

    /** Ends connections whose request or in-memory response ran past its time. */
    private void expire() {
        long now = System.nanoTime();
        for (Conn c : new ArrayList<>(open)) {
            boolean late = switch (c.phase) {
                case HEAD, BODY -> now - c.deadlineNanos >= 0;
                case WRITING, LINGERING -> now - c.writeDeadlineNanos >= 0;
                case ANSWERING -> false;
            };
            if (late && (c.phase == Phase.HEAD || c.phase == Phase.BODY)) {
                // A best-effort 408: the client is slow, not gone; a full send buffer just drops it.
                try {
                    c.channel.write(ByteBuffer.wrap(head(408, "text/plain; charset=utf-8", 0, false, Map.of())));
                } catch (IOException e) {
                    // closed below either way
                }
                close(c);
            } else if (late) {
                close(c);
            }
        }
    }

    /** On the lane thread: writes a chunked body as it is produced, bounded by the stall and total times. */
    private void stream(Conn c, Response r) {
        long deadline = System.nanoTime() + limits.responseTime().toNanos();
        try (Selector waiter = Selector.open()) {
            ChannelOutput out = new ChannelOutput(c.channel, waiter, deadline, limits.writeStall());
            out.writeRaw(head(r.status(), r.contentType(), -1, true, r.headers()));
            ChunkedOutput chunked = new ChunkedOutput(out);
            r.stream().writeTo(chunked);
            // Only after the whole body: a failure half-way must leave the answer visibly cut, not complete.
            chunked.finish();
        } catch (IOException e) {
            // The client went away or is too slow: the missing last chunk tells it the answer is cut.
            LOG.debug("api: streamed answer ended early: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("api: a streamed answer failed inside medic; it is cut", e);
        } finally {
            toSelector.add(() -> close(c));
            selector.wakeup();
        }
    }

    private void close(Conn c) {
        if (open.remove(c)) {
            openCount.set(open.size());
        }
        try {
            c.channel.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }

    private static byte[] head(int status, String contentType, long length, boolean chunked,
                               Map<String, String> headers) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        sb.append("Content-Type: ").append(contentType).append("\r\n");
        if (chunked) {
            sb.append("Transfer-Encoding: chunked\r\n");
        } else {
            sb.append("Content-Length: ").append(length).append("\r\n");
        }
        headers.forEach((name, value) -> sb.append(name).append(": ").append(value).append("\r\n"));
        // Nothing medic answers is for a cache or a browser to reinterpret.
        sb.append("Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Payload Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status";
        };
    }

    /** A request medic cannot read, with the status that says why. */
    private static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** Parses the request line and headers (RFC 9112), strictly: anything ambiguous is a 400. */
    static Request parse(String head) throws BadRequest {
        String[] lines = head.split("\r?\n", -1);
        String[] first = lines[0].split(" ", -1);
        if (first.length != 3 || !first[0].matches("[A-Z]{1,16}")) {
            throw new BadRequest(400, "malformed request line");
        }
        if (!first[2].startsWith("HTTP/1.")) {
            throw new BadRequest(505, "HTTP/1.x only");
        }
        String target = first[1];
        // Only a path: absolute-form would carry a second, competing host.
        if (!target.startsWith("/")) {
            throw new BadRequest(400, "the request target must be a path");
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        Optional<String> query = q < 0 ? Optional.empty() : Optional.of(target.substring(q + 1));
        Map<String, List<String>> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new BadRequest(400, "folded header lines are not accepted");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new BadRequest(400, "malformed header line");
            }
            headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        headers.replaceAll((k, v) -> List.copyOf(v));
        return new Request(first[0], path, query, Map.copyOf(headers));
    }

    /**
     * Writes to a non-blocking channel from a lane thread: waits for room on a selector of its own, at most
     * {@code stall} at a time and until {@code deadline} in all.
     */
    private static final class ChannelOutput {
        private final SocketChannel channel;
        private final Selector waiter;
        private final long deadline;
        private final long stallNanos;

        ChannelOutput(SocketChannel channel, Selector waiter, long deadline, Duration stall) throws IOException {
            this.channel = channel;
            this.waiter = waiter;
            this.deadline = deadline;
            this.stallNanos = stall.toNanos();
            channel.register(waiter, SelectionKey.OP_WRITE);
        }

        void writeRaw(byte[] bytes) throws IOException {
            write(ByteBuffer.wrap(bytes));
        }

        void write(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                if (channel.write(buf) > 0) {
                    continue;
                }
                long now = System.nanoTime();
                long wait = Math.min(stallNanos, deadline - now);
                if (wait <= 0) {
                    throw new IOException("the client takes too long to read the answer");
                }
                waiter.selectedKeys().clear();
                if (waiter.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait))) == 0
                        && System.nanoTime() - now >= stallNanos) {
                    throw new IOException("the client stopped reading the answer");
                }
                if (!channel.isOpen()) {
                    throw new ClosedChannelException();
                }
            }
        }
    }

    /** HTTP/1.1 chunked encoding over a {@link ChannelOutput}, in chunks of up to 16 KB. */
    private static final class ChunkedOutput extends OutputStream {
        private final ChannelOutput out;
        private final byte[] buf = new byte[16 * 1024];
        private int used;

        ChunkedOutput(ChannelOutput out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (used == buf.length) {
                flushChunk();
            }
            buf[used++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (used == buf.length) {
                    flushChunk();
                }
                int n = Math.min(len, buf.length - used);
                System.arraycopy(b, off, buf, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        private void flushChunk() throws IOException {
            if (used == 0) {
                return;
            }
            out.writeRaw((Integer.toHexString(used) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(ByteBuffer.wrap(buf, 0, used));
            out.writeRaw("\r\n".getBytes(StandardCharsets.US_ASCII));
            used = 0;
        }

        /** Writes what is buffered and the last chunk; {@link #close()} does not, so that a cut shows. */
        void finish() throws IOException {
            flushChunk();
            out.writeRaw("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            selectorThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pools.values().forEach(ExecutorService::shutdownNow);
        for (Conn c : new ArrayList<>(open)) {
            close(c);
        }
        try {
            server.close();
            selector.close();
        } catch (IOException e) {
            LOG.debug("api: closing the listener: {}", e.toString());
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
