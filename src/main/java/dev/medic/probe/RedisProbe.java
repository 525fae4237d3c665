package dev.medic.probe;

import dev.medic.config.RedisProbeSpec;
import dev.medic.config.SecretFiles;
import dev.medic.core.CheckResult;
import dev.medic.core.Printable;
import dev.medic.net.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * {@code redis { address, password-file }}: a RESP {@code PING} that passes on {@code +PONG}, after
 * {@code AUTH} when a password file is given. The password is read at every check (so a rotated file
 * is picked up) through {@link SecretFiles} (a regular file of at most 64 KB) and never appears in a
 * detail. The whole conversation, connect to PONG, ends within the timeout however slowly the server
 * answers. Thread-safe.
 */
public final class RedisProbe implements Probe<RedisProbeSpec> {
    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public Class<RedisProbeSpec> specType() {
        return RedisProbeSpec.class;
    }

    @Override
    public CheckResult check(RedisProbeSpec spec) {
        String where = "redis " + spec.address();
        String password = null;
        if (spec.passwordFile().isPresent()) {
            try {
                // Re-read at every check, so bounded like any config input: a FIFO or /dev/zero must not hang
                // or fill medic.
                password = SecretFiles.read(spec.passwordFile().get());
            } catch (SecretFiles.UnreadableSecretException e) {
                // medic cannot tell whether Redis is well: its own secret is unusable.
                return CheckResult.unknown(where + ": password-file: " + e.getMessage());
            }
        }
        try (Deadline deadline = Deadline.start(spec.timeout())) {
            try (Socket socket = Sockets.connect(spec.address(), deadline)) {
                return converse(where, socket, password, deadline);
            } catch (IOException e) {
                return CheckResult.fail(where + ": " + Sockets.describe(e, deadline));
            }
        }
    }

    private static CheckResult converse(String where, Socket socket, String password, Deadline deadline)
            throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        if (password != null) {
            out.write(command("AUTH", password));
            out.flush();
            String auth = Sockets.readLine(in);
            if (auth == null) {
                return CheckResult.fail(where + ": closed the connection after AUTH");
            }
            if (!auth.equals("+OK")) {
                return CheckResult.fail(where + ": AUTH failed: " + errorText(auth));
            }
        }
        out.write(command("PING"));
        out.flush();
        String reply = Sockets.readLine(in);
        long ms = deadline.elapsedMillis();
        if (reply == null) {
            return CheckResult.fail(where + ": closed the connection without answering PING");
        }
        if (reply.equals("+PONG")) {
            return CheckResult.pass(where + " PONG in " + ms + " ms");
        }
        return CheckResult.fail(where + ": PING answered " + errorText(reply) + " (expected PONG)");
    }

    /** A RESP array of bulk strings. */
    private static byte[] command(String... parts) {
        StringBuilder sb = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            sb.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An error reply without its '-' marker; any other reply quoted. The server's text, so made printable. */
    private static String errorText(String reply) {
        return reply.startsWith("-") ? Printable.line(reply.substring(1)) : "\"" + Printable.line(reply) + "\"";
    }
}
