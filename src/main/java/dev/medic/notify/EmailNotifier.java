package dev.medic.notify;

import dev.medic.config.NotifySettings;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;

/**
 * E-mail over SMTP with Jakarta Mail (Eclipse Angus): one plain-text mail per incident message, subject
 * {@code [medic] HOST: TITLE}. With {@code starttls = true} the connection is upgraded before the password
 * is sent, and a server that does not offer STARTTLS is refused rather than spoken to in clear text.
 * Bounded by {@code timeout} for connect, read and write. Thread-safe (a session per send).
 */
public final class EmailNotifier implements Notifier {
    private final NotifySettings.Email settings;
    private final Duration timeout;

    public EmailNotifier(NotifySettings.Email settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public void send(IncidentMessage message) throws IOException {
        Properties props = new Properties();
        props.put("mail.smtp.host", settings.smtp().host());
        props.put("mail.smtp.port", Integer.toString(settings.smtp().port()));
        props.put("mail.smtp.auth", Boolean.toString(settings.user().isPresent()));
        props.put("mail.smtp.starttls.enable", Boolean.toString(settings.starttls()));
        props.put("mail.smtp.starttls.required", Boolean.toString(settings.starttls()));
        String ms = Long.toString(timeout.toMillis());
        props.put("mail.smtp.connectiontimeout", ms);
        props.put("mail.smtp.timeout", ms);
        props.put("mail.smtp.writetimeout", ms);
        Session session = Session.getInstance(props);
        try {
            MimeMessage mail = new MimeMessage(session);
            mail.setFrom(new InternetAddress(settings.from()));
            for (String to : settings.to()) {
                mail.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            mail.setSubject("[medic] " + message.host() + ": " + message.title(), "UTF-8");
            mail.setSentDate(Date.from(message.at()));
            mail.setHeader("X-Medic-Incident", message.incident());
            mail.setText(message.text(), "UTF-8");
            if (settings.user().isPresent()) {
                Transport.send(mail, settings.user().get(), settings.password().map(p -> p.reveal()).orElse(""));
            } else {
                Transport.send(mail);
            }
        } catch (MessagingException e) {
            // The server's words (e.g. "535 authentication failed"), never the password medic sent.
            throw new IOException("email via " + settings.smtp() + ": " + oneLine(e));
        }
    }

    private static String oneLine(MessagingException e) {
        Throwable t = e;
        StringBuilder sb = new StringBuilder();
        while (t != null && sb.length() < 300) {
            if (t.getMessage() != null) {
                sb.append(sb.length() == 0 ? "" : "; ").append(t.getMessage().replaceAll("\\s+", " ").strip());
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
    }
}
