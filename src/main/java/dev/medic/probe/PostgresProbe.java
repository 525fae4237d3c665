package dev.medic.probe;

import dev.medic.config.PostgresProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Printable;
import dev.medic.net.Deadline;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code postgres { address, user, database }}: readiness at the protocol level, as pg_isready does,
 * without a JDBC driver. It sends a version 3 startup message and reads the first answer:
 * <ul>
 *   <li>a password request or ReadyForQuery: accepting connections (pass; medic sends no password,
 *       so a server that asks for one is up);</li>
 *   <li>ErrorResponse 57P03 (starting up, shutting down, in recovery): rejecting connections (fail);</li>
 *   <li>any other ErrorResponse (unknown role or database, no pg_hba entry): fail with the server's
 *       message, since the configured user cannot connect;</li>
 *   <li>nothing within the timeout, or a refused connection: fail.</li>
 * </ul>
 * The whole conversation ends within the timeout however slowly the server answers; the server's words
 * are shown printable only.
 * Thread-safe.
 */
public final class PostgresProbe implements Probe<PostgresProbeSpec> {
    private static final int PROTOCOL_3 = 196608;

    @Override
    public String kind() {
        return "postgres";
    }

    @Override
    public Class<PostgresProbeSpec> specType() {
        return PostgresProbeSpec.class;
    }

    @Override
    public CheckResult check(PostgresProbeSpec spec) {
        String where = "postgres " + spec.address();
        try (Deadline deadline = Deadline.start(spec.timeout())) {
            try (Socket socket = Sockets.connect(spec.address(), deadline)) {
                return converse(where, spec, socket, deadline);
            } catch (IOException e) {
                if (Sockets.timedOut(e, deadline)) {
                    return CheckResult.fail(where + ": no response within " + spec.timeout().toMillis() + " ms");
                }
                if (e instanceof EOFException) {
                    return CheckResult.fail(where + ": no response (the connection was closed)");
                }
                return CheckResult.fail(where + ": " + Sockets.describe(e, deadline));
            }
        }
    }

    private static CheckResult converse(String where, PostgresProbeSpec spec, Socket socket, Deadline deadline)
            throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(startupMessage(spec.user(), spec.database()));
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        // Trust authentication says AuthenticationOk first and only then checks the role and database, so
        // read on until the server asks for a password, is ready, or says what is wrong.
        for (int messages = 0; messages < 64; messages++) {
            int type = in.read();
            if (type == -1) {
                return CheckResult.fail(where + ": no response (the connection was closed)");
            }
            int length = in.readInt();
            if (length < 4 || length > 64 * 1024) {
                return notPostgres(where, type);
            }
            byte[] body = new byte[length - 4];
            in.readFully(body);
            long ms = deadline.elapsedMillis();
            boolean wantsPassword = type == 'R' && body.length >= 4 && ByteBuffer.wrap(body).getInt() != 0;
            if (wantsPassword || type == 'Z') {
                // Let the server go without making it wait for a password that will not come.
                sendTerminate(out);
                return CheckResult.pass(where + " accepting connections in " + ms + " ms");
            }
            if (type == 'E') {
                Map<Character, String> fields = errorFields(body);
                String code = Printable.line(fields.getOrDefault('C', ""));
                String message = Printable.line(fields.getOrDefault('M', "error"));
                if (code.equals("57P03")) {
                    return CheckResult.fail(where + ": rejecting connections: " + message);
                }
                return CheckResult.fail(where + ": refused user " + spec.user() + " on database "
                        + spec.database() + ": " + message + " (SQLSTATE " + code + ")");
            }
            if (type != 'R' && type != 'S' && type != 'K' && type != 'N') {
                return notPostgres(where, type);
            }
        }
        return CheckResult.fail(where + ": no ReadyForQuery after 64 messages");
    }

    private static CheckResult notPostgres(String where, int type) {
        return CheckResult.fail(where + ": not a PostgreSQL server (message type '"
                + Printable.line(String.valueOf((char) type)) + "')");
    }

    private static byte[] startupMessage(String user, String database) {
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        for (String s : new String[] {"user", user, "database", database, "application_name", "medic"}) {
            params.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            params.write(0);
        }
        params.write(0);
        byte[] p = params.toByteArray();
        return ByteBuffer.allocate(8 + p.length).putInt(8 + p.length).putInt(PROTOCOL_3).put(p).array();
    }

    private static void sendTerminate(OutputStream out) {
        try {
            out.write(new byte[] {'X', 0, 0, 0, 4});
            out.flush();
        } catch (IOException e) {
            // the server may have closed first; nothing to tell anyone
        }
    }

    /** The fields of an ErrorResponse: code letter to text. */
    private static Map<Character, String> errorFields(byte[] body) {
        Map<Character, String> fields = new HashMap<>();
        int i = 0;
        while (i < body.length && body[i] != 0) {
            char code = (char) body[i++];
            int end = i;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            fields.put(code, new String(body, i, end - i, StandardCharsets.UTF_8));
            i = end + 1;
        }
        return fields;
    }
}
