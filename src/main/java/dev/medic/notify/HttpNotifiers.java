package dev.medic.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medic.config.NotifySettings;
import dev.medic.config.UrlMasking;
import dev.medic.core.Printable;
import java.io.IOException;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The channels that speak HTTP: Telegram's Bot API, Slack-compatible incoming webhooks and the generic
 * JSON webhook. They share one OkHttp client, which must have a call timeout (each factory refuses one
 * without), so every send ends. Errors say the channel and the HTTP status, never the URL, because the
 * URL of Telegram and Slack carries the secret, and never the response body, which may echo the request's
 * secrets. Stateless and thread-safe.
 */
public final class HttpNotifiers {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    /** Telegram refuses messages over 4096 characters. */
    static final int TELEGRAM_MAX = 4000;
    static final int SLACK_MAX = 3500;

    private HttpNotifiers() {
    }

    /** {@code POST {api-url}/bot{token}/sendMessage} with the chat id and the text. */
    public static Notifier telegram(NotifySettings.Telegram settings, OkHttpClient http, ObjectMapper json) {
        requireCallTimeout(http);
        return Notifier.named(settings.name(), message -> {
            ObjectNode body = json.createObjectNode();
            body.put("chat_id", settings.chatId());
            body.put("text", cut(message.text(), TELEGRAM_MAX));
            body.put("disable_web_page_preview", true);
            post(http, settings.name(), settings.apiUrl() + "/bot" + settings.botToken().reveal() + "/sendMessage",
                    json.writeValueAsString(body), Map.of());
        });
    }

    /** {@code POST {"text": ...}} to the incoming-webhook URL. */
    public static Notifier slack(NotifySettings.Slack settings, OkHttpClient http, ObjectMapper json) {
        requireCallTimeout(http);
        return Notifier.named(settings.name(), message -> {
            ObjectNode body = json.createObjectNode();
            String text = message.text();
            int firstLine = text.indexOf('\n');
            // Bold title, and the rest (logs included) as preformatted text so that it is not rendered as markup.
            body.put("text", firstLine < 0 ? "*" + text + "*" : "*" + text.substring(0, firstLine) + "*\n```"
                    + cut(text.substring(firstLine + 1), SLACK_MAX).replace("```", "'''") + "```");
            post(http, settings.name(), settings.webhookUrl().reveal(), json.writeValueAsString(body), Map.of());
        });
    }

    /** {@code POST} of the incident message as JSON (DESIGN.md §2), with the headers file's headers. */
    public static Notifier webhook(NotifySettings.Webhook settings, OkHttpClient http, ObjectMapper json) {
        requireCallTimeout(http);
        Map<String, String> headers = settings.headerMap();
        return Notifier.named(settings.name(), message -> {
            post(http, settings.name(), settings.url(), json.writeValueAsString(message.toJson(json)), headers);
        });
    }

    private static void post(OkHttpClient http, String channel, String url, String body, Map<String, String> headers)
            throws IOException {
        Request.Builder request = new Request.Builder().url(url).post(RequestBody.create(body, JSON))
                .header("User-Agent", "medic");
        headers.forEach(request::header);
        int status;
        try (Response response = http.newCall(request.build()).execute()) {
            status = response.code();
        } catch (IOException e) {
            // OkHttp's own messages name the host at most, never the path; the exception itself is not kept,
            // so that nothing further down can print the request URL. They may quote the server (a bad status
            // line), so they are made printable.
            throw new IOException(channel + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + Printable.line(UrlMasking.maskUrlsIn(e.getMessage()))));
        }
        if (status < 200 || status > 299) {
            // The status only: an error page may echo the request, the headers file's token included, and a
            // proxy's page may hold anything. The body is not read.
            throw new IOException(channel + " answered HTTP " + status);
        }
    }

    /** Refuses a client whose calls may not end: a channel must never wait on a server for ever. */
    static void requireCallTimeout(OkHttpClient http) {
        if (http.callTimeoutMillis() <= 0) {
            throw new IllegalArgumentException("an HTTP client for notifications needs a call timeout"
                    + " (Notifications.boundedClient)");
        }
    }

    static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 20) + "\n... (cut)";
    }
}
