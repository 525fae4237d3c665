package dev.medic.event;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logback's configuration, in code rather than logback.xml: everything to stdout through
 * {@link JournalLayout}, the libraries' chatter (docker-java, Apache HttpClient, OkHttp) at WARN, and the
 * root level from {@code MEDIC_LOG_LEVEL} (system property or environment; INFO by default). In code
 * because reading XML costs the JVM some 600 classes and a noticeable part of its start-up and memory.
 * Found by logback through {@code META-INF/services}. Used once, at start.
 */
public final class JournalLogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        JournalLayout layout = new JournalLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setEncoder(encoder);
        stdout.start();
        for (String quiet : new String[] {"com.github.dockerjava", "org.apache.hc", "okhttp3"}) {
            context.getLogger(quiet).setLevel(Level.WARN);
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level(), Level.INFO));
        root.addAppender(stdout);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static String level() {
        String level = System.getProperty("MEDIC_LOG_LEVEL");
        return level != null ? level : System.getenv("MEDIC_LOG_LEVEL");
    }
}
