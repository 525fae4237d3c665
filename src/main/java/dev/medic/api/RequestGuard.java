package dev.medic.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may ask the local API, from what the request says about where it comes from.
 *
 * <p><b>Host</b> (every request): a web page whose name an attacker re-points at 127.0.0.1 (DNS rebinding)
 * reaches the API with its own name in {@code Host}, so only names that cannot be re-pointed are accepted:
 * {@code localhost}, {@code 127.0.0.1}, the listen address as configured, {@code [::1]} when listening on IPv6
 * loopback or everywhere, and, when listening on a wildcard address (only with {@code api.allow-remote}), any IP
 * literal — an IP in {@code Host} means the browser was pointed at that IP itself, not at a name. Each with the
 * listening port or no port. A missing or repeated {@code Host} is refused too.
 *
 * <p><b>State changes</b> (every POST): a page on another site can send a "simple" cross-site POST (a form,
 * {@code text/plain}) without asking first, but not one with a custom header: that needs a CORS preflight, which
 * medic never grants. So a POST must carry {@code X-Medic-Request: 1}, and its {@code Origin}, when sent, must be
 * this API's own ({@code http://} and an accepted host with the listening port); {@code Origin: null} (sandboxed
 * frames, file pages) is foreign.
 *
 * <p>Immutable and thread-safe; looks nothing up in DNS.
 */
final class RequestGuard {
    /** The header a POST must carry; a browser cannot add it cross-site without a preflight. */
    static final String REQUEST_HEADER = "X-Medic-Request";

    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.%]+\\]|[^:\\[\\]]+)(?::([0-9]{1,5}))?");
    private static final Pattern ORIGIN = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]+)");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private final String listenHost;
    private final Optional<InetAddress> listenLiteral;
    private final int port;
    private final boolean wildcard;
    private final boolean ipv6Loopback;
    private final boolean checkHost;

    /**
     * @param listenHost the host part of the configured listen address (a name or an IP literal)
     * @param bound the address actually bound (its port, and whether it is a wildcard or IPv6)
     * @param checkHost false for a listener where any name is legitimate (a metrics listener on a LAN address)
     */
    RequestGuard(String listenHost, InetSocketAddress bound, boolean checkHost) {
        this.listenHost = unbracket(listenHost.toLowerCase(Locale.ROOT));
        this.listenLiteral = literal(this.listenHost);
        this.port = bound.getPort();
        InetAddress a = bound.getAddress();
        this.wildcard = a != null && a.isAnyLocalAddress();
        this.ipv6Loopback = a instanceof Inet6Address && (a.isLoopbackAddress() || a.isAnyLocalAddress());
        this.checkHost = checkHost;
    }

    /** Why the request's {@code Host} is refused; empty when it is accepted. */
    Optional<String> refuseHost(HttpListener.Request r) {
        if (!checkHost) {
            return Optional.empty();
        }
        if (r.count("host") != 1) {
            return Optional.of("forbidden: the request needs exactly one Host header");
        }
        String host = r.header("host").orElse("");
        Matcher m = HOST_PORT.matcher(host.strip());
        if (m.matches() && acceptedHost(m.group(1)) && (m.group(2) == null || Integer.parseInt(m.group(2)) == port)) {
            return Optional.empty();
        }
        return Optional.of("forbidden: Host \"" + printable(host) + "\" is not this API's address; use localhost:"
                + port + " or 127.0.0.1:" + port + " (names other than localhost are refused against DNS rebinding)");
    }

    /** Why a state-changing request is refused; empty when it is accepted. */
    Optional<String> refuseStateChange(HttpListener.Request r) {
        if (!r.header(REQUEST_HEADER).map(String::strip).filter("1"::equals).isPresent()) {
            return Optional.of("forbidden: a POST needs the header " + REQUEST_HEADER
                    + ": 1 (medic pause/resume send it; a web page cannot)");
        }
        int origins = r.count("origin");
        if (origins == 0) {
            return Optional.empty();
        }
        String origin = r.header("origin").orElse("");
        if (origins == 1 && ownOrigin(origin.strip())) {
            return Optional.empty();
        }
        return Optional.of("forbidden: a POST from another origin (" + printable(origin) + ") is refused");
    }

    private boolean ownOrigin(String origin) {
        Matcher m = ORIGIN.matcher(origin);
        if (!m.matches() || !m.group(1).equalsIgnoreCase("http")) {
            return false;
        }
        Matcher hp = HOST_PORT.matcher(m.group(2));
        if (!hp.matches()) {
            return false;
        }
        int originPort = hp.group(2) == null ? 80 : Integer.parseInt(hp.group(2));
        return originPort == port && acceptedHost(hp.group(1));
    }

    private boolean acceptedHost(String rawName) {
        String name = unbracket(rawName.toLowerCase(Locale.ROOT));
        if (name.equals("localhost") || name.equals(listenHost)) {
            return true;
        }
        Optional<InetAddress> lit = literal(name);
        if (lit.isEmpty()) {
            return false;
        }
        InetAddress a = lit.get();
        if (wildcard || listenLiteral.filter(a::equals).isPresent()) {
            return true;
        }
        if (a instanceof Inet6Address) {
            return ipv6Loopback && a.isLoopbackAddress();
        }
        return a.getHostAddress().equals("127.0.0.1");
    }

    /** The address an IP literal names; empty for a name (never resolved: that is the point). */
    private static Optional<InetAddress> literal(String name) {
        if (!IPV4.matcher(name).matches() && !(name.contains(":") && name.matches("[0-9a-f:.]+"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(name));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** A header value as it may appear in an answer: printable ASCII only, and short. */
    private static String printable(String value) {
        String cut = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
