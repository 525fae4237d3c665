package dev.medic.probe;

import dev.medic.config.RedisProbeSpec;
import dev.medic.core.CheckResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * {@code redis { address, password-file }}: a RESP {@code PING} that passes on {@code +PONG}, after
 * {@code AUTH} when a password file is given. The password is read at every check (so a rotated file
 * is picked up) and never appears in a detail. Thread-safe.
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
                password = Files.readString(spec.passwordFile().get()).strip();
            } catch (IOException e) {
                // medic cannot tell whether Redis is well: its own secret is missing.
                return CheckResult.unknown(where + ": cannot read password-file " + spec.passwordFile().get() + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        long start = System.nanoTime();
        try (Socket socket = Sockets.connect(spec.address(), spec.timeout(), start)) {
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
            long ms = Sockets.elapsedMs(start);
            if (reply == null) {
                return CheckResult.fail(where + ": closed the connection without answering PING");
            }
            if (reply.equals("+PONG")) {
                return CheckResult.pass(where + " PONG in " + ms + " ms");
            }
            return CheckResult.fail(where + ": PING answered " + errorText(reply) + " (expected PONG)");
        } catch (IOException e) {
            return CheckResult.fail(where + ": " + Sockets.describe(e, spec.timeout()));
        }
    }

    /** A RESP array of bulk strings. */
    private static byte[] command(String... parts) {
        StringBuilder sb = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            sb.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An error reply without its '-' marker; any other reply quoted. */
    private static String errorText(String reply) {
        return reply.startsWith("-") ? reply.substring(1) : "\"" + reply + "\"";
    }
}
