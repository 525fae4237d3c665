package dev.medic.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.medic.config.HostPort;
import dev.medic.config.NotifySettings;
import dev.medic.config.Secret;
import dev.medic.core.Severity;
import dev.medic.probe.TricklingServer;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The e-mail channel against GreenMail, a real SMTP server on loopback, with authentication. */
class EmailNotifierTest {
    private static final String PASSWORD = "smtp-pass-Zq81";
    private static final NotifySettings.Routing ALL = new NotifySettings.Routing(Severity.WARNING, List.of());
    private GreenMail smtp;
    private int port;

    @BeforeEach
    void start() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("medic@example.com", "medic", PASSWORD));
        smtp.start();
    }

    @AfterEach
    void stop() {
        smtp.stop();
    }

    private EmailNotifier notifier(boolean starttls, String password) {
        return new EmailNotifier(new NotifySettings.Email(new HostPort("127.0.0.1", port), starttls,
                Optional.of("medic"), Optional.of(new Secret("file p", password)), "medic@example.com",
                List.of("ops@example.com", "oncall@example.com"), ALL), Duration.ofSeconds(5));
    }

    @Test
    void sendsOneMailToEveryRecipientWithTheTitleAsSubjectAndTheEvidenceInTheBody() throws Exception {
        notifier(false, PASSWORD).send(Messages.open());

        assertTrue(smtp.waitForIncomingEmail(5000, 2));
        MimeMessage[] received = smtp.getReceivedMessages();
        assertEquals(2, received.length, "one copy per recipient");
        MimeMessage mail = received[0];
        assertEquals("[medic] vps1: api: restart-container (attempt 1/3)", mail.getSubject());
        assertEquals("medic@example.com", mail.getFrom()[0].toString());
        assertEquals(2, mail.getAllRecipients().length);
        assertEquals("api-20261123T100000Z", mail.getHeader("X-Medic-Incident")[0]);
        String body = GreenMailUtil.getBody(mail);
        assertTrue(body.contains("Traceback: db connection refused"), body);
        assertTrue(body.contains("check: http 500"), body);
    }

    @Test
    void aWrongPasswordIsAnErrorThatDoesNotRepeatThePassword() {
        String wrong = "not-the-password-77";
        IOException e = assertThrows(IOException.class, () -> notifier(false, wrong).send(Messages.open()));

        assertTrue(e.getMessage().startsWith("email via 127.0.0.1:" + port + ": "), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertEquals(0, smtp.getReceivedMessages().length);
    }

    @Test
    void withStarttlsRequiredAServerWithoutTlsIsRefusedBeforeThePasswordIsSent() {
        // GreenMail offers no STARTTLS: medic must not fall back to sending the password in clear text.
        IOException e = assertThrows(IOException.class, () -> notifier(true, PASSWORD).send(Messages.open()));

        assertTrue(e.getMessage().contains("STARTTLS"), e.getMessage());
        assertEquals(0, smtp.getReceivedMessages().length);
    }

    @Test
    void aServerThatTricklesItsGreetingFailsTheSendAtTheTimeout() throws Exception {
        // "220 xxxx..." one byte a second: each read of Angus Mail's is quick, the greeting never ends.
        Duration timeout = Duration.ofMillis(1500);
        try (TricklingServer slow = TricklingServer.start("220 ", 'x')) {
            EmailNotifier email = new EmailNotifier(new NotifySettings.Email(new HostPort("127.0.0.1", slow.port()),
                    false, Optional.of("medic"), Optional.of(new Secret("file p", PASSWORD)), "medic@example.com",
                    List.of("ops@example.com"), ALL), timeout);
            long start = System.nanoTime();
            IOException e = assertTimeoutPreemptively(timeout.plusSeconds(1),
                    () -> assertThrows(IOException.class, () -> email.send(Messages.open())));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals("email via 127.0.0.1:" + slow.port() + ": no answer within 1500 ms", e.getMessage());
            assertTrue(tookMs >= timeout.toMillis() - 50, "gave up early, after " + tookMs + " ms");
        }
    }
}
