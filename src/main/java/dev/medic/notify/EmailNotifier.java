package dev.medic.notify;

import dev.medic.config.NotifySettings;
import dev.medic.core.Printable;
import dev.medic.net.Deadline;
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
 * One send — connect, STARTTLS, AUTH, the mail and QUIT — ends within {@code timeout} however slowly
 * the server answers: a {@link Deadline} closes its sockets when the time is up. Thread-safe (a session
 * and a deadline per send).
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
        try (Deadline deadline = Deadline.start(timeout)) {
            try {
                deliver(message, deadline);
            } catch (MessagingException e) {
                if (deadline.expired()) {
                    throw new IOException("email via " + settings.smtp() + ": no answer within " + timeout.toMillis()
                            + " ms");
                }
                // The server's words (e.g. "535 authentication failed"), never the password medic sent.
                throw new IOException("email via " + settings.smtp() + ": " + oneLine(e));
            }
        }
    }

    private void deliver(IncidentMessage message, Deadline deadline) throws MessagingException {
        Properties props = new Properties();
        props.put("mail.smtp.host", settings.smtp().host());
        props.put("mail.smtp.port", Integer.toString(settings.smtp().port()));
        props.put("mail.smtp.auth", Boolean.toString(settings.user().isPresent()));
        props.put("mail.smtp.starttls.enable", Boolean.toString(settings.starttls()));
        props.put("mail.smtp.starttls.required", Boolean.toString(settings.starttls()));
        // Angus Mail's timeouts apply to each connect and each read: a server that trickles its replies
        // stretches them without end. Its sockets come from the deadline's factory, so that the deadline
        // closes them, STARTTLS layer and all, when the whole send has taken `timeout`. Angus's own write
        // timeout is left unset: it would start a timer thread per connection for what the deadline covers.
        props.put("mail.smtp.socketFactory", deadline.socketFactory());
        props.put("mail.smtp.socketFactory.fallback", "false");
        String ms = Long.toString(timeout.toMillis());
        props.put("mail.smtp.connectiontimeout", ms);
        props.put("mail.smtp.timeout", ms);
        Session session = Session.getInstance(props);
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
    }

    /** The exception chain's messages on one printable line: they quote the SMTP server. */
    private static String oneLine(MessagingException e) {
        Throwable t = e;
        StringBuilder sb = new StringBuilder();
        while (t != null && sb.length() < 300) {
            if (t.getMessage() != null) {
                sb.append(sb.length() == 0 ? "" : "; ").append(Printable.line(t.getMessage()));
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
    }
}
