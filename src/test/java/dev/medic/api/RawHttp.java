package dev.medic.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request written byte for byte (any Host, Origin or header a browser or an attacker would send, which
 * java.net.http will not), and the answer read to the end: the API closes every connection after it.
 */
final class RawHttp {
    private RawHttp() {
    }

    /** The status, head and body of an answer. */
    record Answer(int status, String head, String body) {
        boolean has(String headerLine) {
            return head.toLowerCase().contains("\r\n" + headerLine.toLowerCase() + "\r\n");
        }
    }

    /** Sends {@code request} (CRLF line ends added for "\n") and reads the answer, within 5 s. */
    static Answer send(int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.replace("\r\n", "\n").replace("\n", "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            // Up to the end of the answer, not of the connection: a server that keeps it open must not hang this.
            while (!complete(all.toString(StandardCharsets.ISO_8859_1)) && (n = in.read(buf)) > 0) {
                all.write(buf, 0, n);
            }
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            if (split < 0) {
                throw new IOException("no complete answer: " + text);
            }
            return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(0, split + 2),
                    text.substring(split + 4));
        }
    }

    private static boolean complete(String text) {
        int split = text.indexOf("\r\n\r\n");
        if (split < 0) {
            return false;
        }
        Matcher length = Pattern.compile("(?i)\r\ncontent-length:[ \t]*(\\d+)\r\n").matcher(text.substring(0, split + 2));
        if (length.find()) {
            return text.length() - split - 4 >= Integer.parseInt(length.group(1));
        }
        return text.endsWith("\r\n0\r\n\r\n");
    }

    /** {@code METHOD path} with the given header lines and body (Content-Length added when there is one). */
    static Answer request(int port, String method, String path, String body, String... headers) throws IOException {
        StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\n");
        for (String h : headers) {
            sb.append(h).append('\n');
        }
        if (body != null) {
            sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append('\n');
        }
        sb.append('\n');
        if (body != null) {
            sb.append(body);
        }
        return send(port, sb.toString());
    }
}
