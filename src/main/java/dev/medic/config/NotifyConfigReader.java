package dev.medic.config;

import dev.medic.config.NotifySettings.Channel;
import dev.medic.config.NotifySettings.Delivery;
import dev.medic.config.NotifySettings.Routing;
import dev.medic.core.Severity;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@code medic.notify} and {@code medic.heartbeat-url}: channels, routing, delivery, and the secrets
 * they name, read here from their files or environment variables so that a missing or unreadable secret is
 * a config problem with file:line rather than a surprise at the first incident. Stateless.
 */
final class NotifyConfigReader {
    private static final Set<String> ROUTING_KEYS = Set.of("min-severity", "targets");

    private final Function<String, String> environment;

    NotifyConfigReader(Function<String, String> environment) {
        this.environment = environment;
    }

    NotifySettings read(ObjectReader notify, Set<String> targetNames) {
        notify.rejectUnknown(Set.of("min-severity", "delivery", "telegram", "slack", "webhook", "email"));
        Severity min = severity(notify, "min-severity").orElse(Severity.WARNING);
        Delivery delivery = notify.object("delivery").map(this::delivery).orElse(Delivery.DEFAULT);
        List<Channel> channels = new ArrayList<>();
        notify.object("telegram").flatMap(t -> telegram(t, min, targetNames)).ifPresent(channels::add);
        notify.object("slack").flatMap(s -> slack(s, min, targetNames)).ifPresent(channels::add);
        notify.object("webhook").flatMap(w -> webhook(w, min, targetNames)).ifPresent(channels::add);
        notify.object("email").flatMap(e -> email(e, min, targetNames)).ifPresent(channels::add);
        return new NotifySettings(min, delivery, channels);
    }

    /** The dead-man URL: empty or an http(s) URL. */
    Optional<URI> heartbeatUrl(ObjectReader medic) {
        return medic.string("heartbeat-url").filter(u -> !u.isBlank()).flatMap(u -> httpUrl(medic, "heartbeat-url", u));
    }

    private Delivery delivery(ObjectReader d) {
        d.rejectUnknown(Set.of("attempts", "backoff", "redeliver-every", "timeout", "spool-max"));
        Delivery def = Delivery.DEFAULT;
        // The timeout is the SMTP deadline and the HTTP call timeout; a 1 ms retry would spin on a dead channel.
        ConfigLoader.bounded(d, Duration.ofSeconds(1), ConfigLoader.MAX_TIMEOUT, "timeout");
        ConfigLoader.bounded(d, Duration.ofMillis(100), Duration.ofHours(1), "backoff");
        ConfigLoader.bounded(d, Duration.ofSeconds(1), Duration.ofDays(1), "redeliver-every");
        return new Delivery(d.integer("attempts", 1).orElse(def.attempts()),
                d.duration("backoff", false).orElse(def.backoff()),
                d.duration("redeliver-every", false).orElse(def.redeliverEvery()),
                d.duration("timeout", false).orElse(def.timeout()),
                d.integer("spool-max", 1).orElse(def.spoolMax()));
    }

    private Optional<Channel> telegram(ObjectReader t, Severity min, Set<String> targetNames) {
        t.rejectUnknown(union(ROUTING_KEYS, "bot-token-file", "bot-token-env", "chat-id", "api-url"));
        int before = t.problemCount();
        Optional<Secret> token = secret(t, "bot-token");
        Optional<String> chat = t.string("chat-id").filter(c -> !c.isBlank());
        if (chat.isEmpty() && !t.has("chat-id")) {
            t.problemHere("missing chat-id, e.g. chat-id = \"-1001234567\"");
        }
        String api = t.string("api-url").flatMap(u -> httpUrl(t, "api-url", u)).map(URI::toString)
                .orElse("https://api.telegram.org");
        Routing routing = routing(t, min, targetNames);
        return t.problemCount() == before && token.isPresent() && chat.isPresent()
                ? Optional.of(new NotifySettings.Telegram(token.get(), chat.get(), stripSlash(api), routing))
                : Optional.empty();
    }

    private Optional<Channel> slack(ObjectReader s, Severity min, Set<String> targetNames) {
        s.rejectUnknown(union(ROUTING_KEYS, "webhook-url-file", "webhook-url-env"));
        int before = s.problemCount();
        Optional<Secret> url = secret(s, "webhook-url");
        url.ifPresent(u -> {
            if (!isHttpUrl(u.reveal())) {
                // Say where it came from, never what it holds: it is a secret.
                s.problemHere("the webhook URL in " + u.source() + " is not an http(s) URL");
            }
        });
        Routing routing = routing(s, min, targetNames);
        return s.problemCount() == before && url.isPresent()
                ? Optional.of(new NotifySettings.Slack(url.get(), routing)) : Optional.empty();
    }

    private Optional<Channel> webhook(ObjectReader w, Severity min, Set<String> targetNames) {
        w.rejectUnknown(union(ROUTING_KEYS, "url", "headers-file", "headers-env"));
        int before = w.problemCount();
        Optional<URI> url = w.string("url").flatMap(u -> httpUrl(w, "url", u));
        if (!w.has("url")) {
            w.problemHere("missing url, e.g. url = \"http://127.0.0.1:9000/medic\"");
        }
        Optional<Secret> headers = w.has("headers-file") || w.has("headers-env") ? secret(w, "headers") : Optional.empty();
        headers.ifPresent(h -> {
            for (String line : h.reveal().split("\n")) {
                if (!line.isBlank() && !line.strip().startsWith("#") && !line.contains(":")) {
                    w.problem(w.has("headers-file") ? "headers-file" : "headers-env",
                            "each line must be \"Name: value\" (in " + h.source() + ")");
                    break;
                }
            }
        });
        Routing routing = routing(w, min, targetNames);
        return w.problemCount() == before && url.isPresent()
                ? Optional.of(new NotifySettings.Webhook(url.get().toString(), headers, routing)) : Optional.empty();
    }

    private Optional<Channel> email(ObjectReader e, Severity min, Set<String> targetNames) {
        e.rejectUnknown(union(ROUTING_KEYS, "smtp", "starttls", "user", "password-file", "password-env", "from",
                "to"));
        int before = e.problemCount();
        Optional<HostPort> smtp = e.string("smtp").flatMap(s -> {
            Optional<HostPort> a = HostPort.parse(s);
            if (a.isEmpty()) {
                e.problem("smtp", "expected HOST:PORT such as \"smtp.example.com:587\", got \"" + s + "\"");
            }
            return a;
        });
        if (!e.has("smtp")) {
            e.problemHere("missing smtp, e.g. smtp = \"smtp.example.com:587\"");
        }
        boolean starttls = e.bool("starttls").orElse(true);
        Optional<String> user = e.string("user").filter(u -> !u.isBlank());
        Optional<Secret> password = e.has("password-file") || e.has("password-env") ? secret(e, "password")
                : Optional.empty();
        if (password.isPresent() && user.isEmpty()) {
            e.problemHere("a password needs a user");
        }
        Optional<String> from = e.string("from").filter(f -> f.contains("@"));
        if (!e.has("from")) {
            e.problemHere("missing from, e.g. from = \"medic@example.com\"");
        } else if (from.isEmpty()) {
            e.problem("from", "expected an address such as \"medic@example.com\"");
        }
        List<String> to = e.stringList("to", true).orElse(List.of());
        if (!e.has("to")) {
            e.problemHere("missing to, e.g. to = [\"ops@example.com\"]");
        } else if (to.isEmpty() || to.stream().anyMatch(a -> !a.contains("@"))) {
            e.problem("to", "expected one or more addresses, e.g. to = [\"ops@example.com\"]");
        }
        Routing routing = routing(e, min, targetNames);
        return e.problemCount() == before
                ? Optional.of(new NotifySettings.Email(smtp.orElseThrow(), starttls, user, password, from.orElseThrow(),
                        to, routing))
                : Optional.empty();
    }

    private Routing routing(ObjectReader r, Severity notifyMin, Set<String> targetNames) {
        Severity min = severity(r, "min-severity").orElse(notifyMin);
        List<String> targets = r.stringList("targets", true).orElse(List.of());
        for (String t : targets) {
            if (!targetNames.contains(t)) {
                r.problem("targets", "no target is named \"" + t + "\"");
            }
        }
        return new Routing(min, targets);
    }

    private static Optional<Severity> severity(ObjectReader r, String key) {
        return r.string(key).flatMap(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "warning" -> Optional.of(Severity.WARNING);
            case "error", "err" -> Optional.of(Severity.ERR);
            default -> {
                r.problem(key, "expected warning or error, got \"" + v + "\"");
                yield Optional.empty();
            }
        });
    }

    /**
     * The secret named by {@code PREFIX-file} or {@code PREFIX-env} (exactly one of them), read now. The
     * value never appears in a problem's message.
     */
    private Optional<Secret> secret(ObjectReader r, String prefix) {
        String fileKey = prefix + "-file";
        String envKey = prefix + "-env";
        boolean hasFile = r.has(fileKey);
        boolean hasEnv = r.has(envKey);
        if (hasFile == hasEnv) {
            r.problemHere(hasFile ? "set " + fileKey + " or " + envKey + ", not both"
                    : "missing " + fileKey + " (or " + envKey + ", the name of an environment variable)");
            return Optional.empty();
        }
        if (hasFile) {
            return r.string(fileKey).flatMap(f -> {
                try {
                    String value = SecretFiles.read(Path.of(f));
                    if (value.isEmpty()) {
                        r.problem(fileKey, f + " is empty");
                        return Optional.empty();
                    }
                    return Optional.of(new Secret("file " + f, value));
                } catch (SecretFiles.UnreadableSecretException e) {
                    r.problem(fileKey, e.getMessage());
                    return Optional.empty();
                }
            });
        }
        return r.string(envKey).flatMap(name -> {
            if (dev.medic.process.ChildEnvironment.isInherited(name)) {
                r.problem(envKey, name + " is passed on to compose and exec-host commands, so it cannot hold a "
                        + "secret; use a name of medic's own, such as MEDIC_" + name.replaceAll("[^A-Za-z0-9]", "_")
                        .toUpperCase(Locale.ROOT));
                return Optional.empty();
            }
            String value = environment.apply(name);
            if (value == null || value.isBlank()) {
                r.problem(envKey, "the environment variable " + name + " is not set");
                return Optional.empty();
            }
            return Optional.of(new Secret("env " + name, value.strip()));
        });
    }

    private static Optional<URI> httpUrl(ObjectReader r, String key, String text) {
        if (!isHttpUrl(text)) {
            r.problem(key, "expected an http:// or https:// URL, got \"" + redactUserInfo(text) + "\"");
            return Optional.empty();
        }
        return Optional.of(URI.create(text));
    }

    static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The URL with any user:password@ replaced, for messages. */
    static String redactUserInfo(String url) {
        return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1***@");
    }

    /** "Name: value" lines; blank lines and # comments skipped. */
    static Map<String, String> parseHeaders(String text) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            int colon = l.indexOf(':');
            if (l.isEmpty() || l.startsWith("#") || colon <= 0) {
                continue;
            }
            headers.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
        }
        return headers;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new java.util.HashSet<>(base);
        all.addAll(List.of(more));
        return all;
    }
}
