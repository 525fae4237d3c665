package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ConfigLoader;
import dev.medic.config.MedicConfig;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon wires evidence.redact into what every sink sees, and a reload's patterns apply from then on. */
class DaemonRedactionTest {
    @TempDir
    Path dir;

    private MedicConfig config(String name, String redact) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "medic {\n  api.listen = \"\"\n  discovery.enabled = false\n  state-file = \"\"\n"
                + "  failure-threshold = 1\n  start-period = 0s\n  evidence.redact = [" + redact + "]\n"
                + "  targets.site { http { url = \"http://127.0.0.1:1/secret-path\", timeout = 2s } }\n}\n");
        return ConfigLoader.load(List.of(file));
    }

    private static String failures(List<MedicEvent> events) {
        return events.stream().filter(e -> e.type() == EventType.CHECK_FAILED)
                .map(e -> e.message() + " " + e.fields()).reduce("", String::concat);
    }

    @Test
    void whatASinkSeesHasPassedTheRedactPatternsOfTheConfigInForce() throws Exception {
        List<MedicEvent> events = new CopyOnWriteArrayList<>();
        try (Daemon daemon = new Daemon(config("a.conf", "\"secret-path\""), Clock.systemUTC(),
                List.of(events::add))) {
            daemon.engine().worker("site").orElseThrow().tick();
            String first = failures(events);
            assertTrue(first.contains("[redacted]"), first);
            assertFalse(first.contains("secret-path"), first);

            events.clear();
            daemon.reload(config("b.conf", "\"127\\\\.0\\\\.0\\\\.1\""));
            daemon.engine().worker("site").orElseThrow().tick();
            String second = failures(events);
            assertFalse(second.contains("127.0.0.1"), second);
            assertTrue(second.contains("secret-path"), "the old pattern no longer applies: " + second);
        }
    }
}
